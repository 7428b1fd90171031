"use client";

import { useQuery } from "@tanstack/react-query";
import { api } from "./api-client";

/** Everyone the caller may filter tasks by (owner/admin only). */
export function useUsers({ enabled }: { enabled: boolean }) {
  return useQuery({ queryKey: ["users"], queryFn: () => api.users(), enabled, staleTime: 60_000, select: (d) => d.users });
}
