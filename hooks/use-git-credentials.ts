"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { CreateGitCredentialInput, CreateGitProviderInput } from "@/lib/sdk/client";
import { api } from "./api-client";

export const gitProvidersKey = ["git-providers"] as const;
export const gitCredentialsKey = ["git-credentials", "me"] as const;

/** The configured forges: every user sees them (the hosts a credential may be for). */
export function useGitProviders() {
  return useQuery({ queryKey: gitProvidersKey, queryFn: () => api.gitProviders(), staleTime: 0 });
}

export function useCreateGitProvider() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateGitProviderInput) => api.createGitProvider(body),
    onSettled: () => qc.invalidateQueries({ queryKey: gitProvidersKey }),
  });
}

/** Removing a provider removes everyone's credentials for it: both lists change. */
export function useDeleteGitProvider() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.deleteGitProvider(id),
    onSettled: () => Promise.all([qc.invalidateQueries({ queryKey: gitProvidersKey }), qc.invalidateQueries({ queryKey: gitCredentialsKey })]),
  });
}

export function useGitCredentials() {
  return useQuery({ queryKey: gitCredentialsKey, queryFn: () => api.gitCredentials(), staleTime: 0 });
}

export function useCreateGitCredential() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateGitCredentialInput) => api.createGitCredential(body),
    onSettled: () => qc.invalidateQueries({ queryKey: gitCredentialsKey }),
  });
}

export function useDeleteGitCredential() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.deleteGitCredential(id),
    onSettled: () => qc.invalidateQueries({ queryKey: gitCredentialsKey }),
  });
}
