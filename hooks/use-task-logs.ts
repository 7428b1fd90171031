"use client";

import { useQuery } from "@tanstack/react-query";
import type { TaskLogs } from "@/lib/sdk/client";
import { api } from "./api-client";
import { taskKeys } from "./use-tasks";

/**
 * The task's conversation. The live stream (useTaskLogStream) writes into this same cache entry,
 * so the request here only runs when no stream feeds it.
 */
export function useTaskLogs(owner: string, task: string, { fetch }: { fetch: boolean }) {
  return useQuery<TaskLogs>({
    queryKey: taskKeys.logs(owner, task),
    queryFn: () => api.logs(owner, task),
    enabled: fetch,
    staleTime: Infinity,
  });
}
