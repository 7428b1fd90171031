"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { TaskInput } from "@/lib/sdk/client";
import { api } from "./api-client";
import { taskKeys } from "./use-tasks";

type Inputs = { inputs: TaskInput[] };

/**
 * The task's queued follow-ups. While the task's live stream is open it carries them (no request
 * of their own); otherwise (paused, failed) they are fetched, and polled while one is queued.
 */
export function useTaskInputs(owner: string, task: string, { streaming }: { streaming: boolean }) {
  return useQuery<Inputs>({
    queryKey: taskKeys.inputs(owner, task),
    queryFn: () => api.inputs(owner, task),
    enabled: !streaming,
    refetchInterval: (query) => (query.state.data?.inputs.some((i) => i.state === "queued") ? 2000 : false),
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
