"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import type { ApiKey, CreateApiKeyInput } from "@/lib/sdk/client";
import { api } from "./api-client";

export const apiKeysKey = ["api-keys", "me"] as const;

/** The signed-in user's sessions and API keys (fetched while the user menu or the account page is open). */
export function useApiKeys({ enabled }: { enabled: boolean }) {
  return useQuery({ queryKey: apiKeysKey, queryFn: () => api.apiKeys(), enabled, staleTime: 0 });
}

/** A new API key: the answer holds it once; the list is fetched again for its row. */
export function useCreateApiKey() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateApiKeyInput) => api.createApiKey("me", body),
    onSettled: () => qc.invalidateQueries({ queryKey: apiKeysKey }),
  });
}

/** Revokes a key or session; revoking the one this browser signs in with signs it out. */
export function useRevokeApiKey() {
  const qc = useQueryClient();
  const router = useRouter();
  return useMutation({
    mutationFn: (key: Pick<ApiKey, "id" | "current">) => api.revokeApiKey(key.id),
    onSuccess: (_, key) => {
      if (!key.current) return;
      qc.clear();
      router.replace("/login");
    },
    onSettled: () => qc.invalidateQueries({ queryKey: apiKeysKey }),
  });
}
