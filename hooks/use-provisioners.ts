"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { CreateProvisionerKeyInput } from "@/lib/sdk/client";
import { api } from "./api-client";

export const provisionerKeys = {
  list: ["provisioners"] as const,
  keys: ["provisioner-keys"] as const,
};

/** Heartbeats move `last_seen_at` every few seconds: read again now and then so online/offline stays true. */
const PROVISIONERS_POLL_MS = 10_000;

export function useProvisioners(enabled = true) {
  return useQuery({ queryKey: provisionerKeys.list, queryFn: () => api.provisioners(), staleTime: 0, refetchInterval: PROVISIONERS_POLL_MS, enabled });
}

export function useProvisionerKeys(enabled = true) {
  return useQuery({ queryKey: provisionerKeys.keys, queryFn: () => api.provisionerKeys(), staleTime: 0, enabled });
}

/** `201` with the key, which the page shows once. */
export function useCreateProvisionerKey() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateProvisionerKeyInput) => api.createProvisionerKey(body),
    onSettled: () => qc.invalidateQueries({ queryKey: provisionerKeys.keys }),
  });
}

/** Revoking a key removes its daemons from the list too. */
export function useDeleteProvisionerKey() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.deleteProvisionerKey(id),
    onSettled: () => Promise.all([qc.invalidateQueries({ queryKey: provisionerKeys.keys }), qc.invalidateQueries({ queryKey: provisionerKeys.list })]),
  });
}
