"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import type { TaskInput } from "@/lib/sdk/client";
import { api } from "./api-client";
import { taskKeys } from "./use-tasks";

type Inputs = { inputs: TaskInput[] };

/**
 * The task's queued follow-ups. Refetched whenever the agent's state changes (the end of a turn is
 * when the next one goes), and every second while one is still queued: its delivery is the
 * server's, and nothing else announces it.
 */
export function useTaskInputs(owner: string, task: string, { enabled, stateAt }: { enabled: boolean; stateAt?: string | null }) {
  const qc = useQueryClient();
  const key = taskKeys.inputs(owner, task);
  useEffect(() => {
    if (enabled) void qc.invalidateQueries({ queryKey: key });
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the key is a fresh array each render; its parts are the deps
  }, [qc, owner, task, enabled, stateAt]);
  return useQuery<Inputs>({
    queryKey: key,
    queryFn: () => api.inputs(owner, task),
    enabled,
    refetchInterval: (query) => (query.state.data?.inputs.some((i) => i.state === "queued") ? 1000 : false),
  });
}

/** Sends a follow-up to the task's queue; it shows as queued at once (or is delivered already). */
export function useQueueInput(owner: string, task: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: string) => api.queueInput(owner, task, input),
    onSuccess: (added) => {
      qc.setQueryData<Inputs>(taskKeys.inputs(owner, task), (old) => ({ inputs: [...(old?.inputs ?? []).filter((i) => i.id !== added.id), added] }));
      void qc.invalidateQueries({ queryKey: taskKeys.inputs(owner, task) });
    },
  });
}

/** Removes a queued follow-up; one delivered meanwhile (409) simply shows as delivered. */
export function useRemoveInput(owner: string, task: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.removeInput(owner, task, id),
    onSuccess: (_void, id) => {
      qc.setQueryData<Inputs>(taskKeys.inputs(owner, task), (old) => (old ? { inputs: old.inputs.filter((i) => i.id !== id) } : old));
    },
    onSettled: () => void qc.invalidateQueries({ queryKey: taskKeys.inputs(owner, task) }),
  });
}
