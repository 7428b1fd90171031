"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import type { ToolCall } from "@/lib/sdk/client";
import { api } from "./api-client";
import { taskKeys } from "./use-tasks";

/**
 * The tool calls behind one log entry (`GET …/logs/{id}/tool-calls`), fetched only once one of
 * its tool lines is opened. `version` (the entry as it grows) is in the key; a call still without
 * output (its tool is running) is asked again every second until it has one. Errors (a paused
 * task: 409) are answers, not retried.
 */
export function useToolCalls(owner: string, taskRef: string, logId: number, { enabled, version }: { enabled: boolean; version: string }) {
  return useQuery<ToolCall[]>({
    queryKey: [...taskKeys.toolCalls(owner, taskRef, logId), version],
    queryFn: async () => (await api.toolCalls(owner, taskRef, logId)).tool_calls,
    enabled,
    staleTime: Infinity,
    placeholderData: keepPreviousData,
    retry: false,
    refetchInterval: (query) => (query.state.data?.some((call) => call.output === null) && !query.state.error ? 1000 : false),
  });
}
