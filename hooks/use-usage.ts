"use client";

import { useQuery } from "@tanstack/react-query";
import type { UsageGroup } from "@/lib/sdk/client";
import { api } from "./api-client";

export type UsageGroupBy = "user" | "template" | "model" | "day";
export type { UsageGroup };

/** Model spend for `from`..`to` (UTC days, both included), grouped one way. */
export function useUsage({ groupBy, from, to, enabled = true }: { groupBy: UsageGroupBy; from: string; to: string; enabled?: boolean }) {
  return useQuery({
    queryKey: ["usage", groupBy, from, to],
    queryFn: async () => (await api.usage({ group_by: groupBy, from, to })).groups,
    enabled,
    staleTime: 60_000,
  });
}
