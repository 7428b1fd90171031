"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { User } from "@/lib/sdk/client";
import { api } from "./api-client";

export const meKey = ["me"] as const;

export function useMe() {
  return useQuery({ queryKey: meKey, queryFn: api.me, staleTime: 60_000 });
}

/** owner and admin see every task and may filter by owner. */
export function isAdmin(user: User | undefined): boolean {
  return !!user?.roles.some((r) => r.name === "owner" || r.name === "admin");
}

export function useHasFirstUser() {
  return useQuery({ queryKey: ["users", "first"], queryFn: api.hasFirstUser, staleTime: 0 });
}

export function useLogin() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ email, password }: { email: string; password: string }) => api.login(email, password),
    onSuccess: () => qc.clear(),
  });
}

export function useCreateFirstUser() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (body: { email: string; username: string; name?: string; password: string; setup_code?: string }) => {
      await api.createFirstUser(body);
      await api.login(body.email, body.password);
    },
    onSuccess: () => qc.clear(),
  });
}

export function useSignOut() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => api.logout(),
    onSettled: () => qc.clear(),
  });
}
