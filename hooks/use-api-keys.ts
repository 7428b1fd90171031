"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "./api-client";

export const apiKeysKey = ["api-keys", "me"] as const;

/** The signed-in user's sessions and API keys (fetched while the user menu is open). */
export function useApiKeys({ enabled }: { enabled: boolean }) {
  return useQuery({ queryKey: apiKeysKey, queryFn: () => api.apiKeys(), enabled, staleTime: 0 });
}

export function useRevokeApiKey() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.revokeApiKey(id),
    onSettled: () => qc.invalidateQueries({ queryKey: apiKeysKey }),
  });
}
