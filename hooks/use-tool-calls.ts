"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import type { ToolCall } from "@/lib/sdk/client";
import { api } from "./api-client";
import { taskKeys } from "./use-tasks";

/**
 * The tool calls behind one log entry (`GET …/logs/{id}/tool-calls`), fetched only once one of
 * its tool lines is opened. `version` (the entry as it grows) is in the key: an open call of a
 * running turn gets its output when the entry changes. Errors (a paused task: 409) are answers.
 */
export function useToolCalls(owner: string, taskRef: string, logId: number, { enabled, version }: { enabled: boolean; version: string }) {
  return useQuery<ToolCall[]>({
    queryKey: [...taskKeys.toolCalls(owner, taskRef, logId), version],
    queryFn: async () => (await api.toolCalls(owner, taskRef, logId)).tool_calls,
    enabled,
    staleTime: Infinity,
    placeholderData: keepPreviousData,
    retry: false,
  });
}
