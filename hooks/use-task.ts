"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { TaskyardError, type Task, type TaskStatus } from "@/lib/sdk/client";
import { api } from "./api-client";
import { usePollWhileDisconnected } from "./task-events-connection";
import { findListedTask, taskKeys } from "./use-tasks";

/** A task as its page shows it; `deleted` is set when the live stream reports the task gone. */
export type LiveTask = Task & { deleted?: boolean };

/** Statuses during which the server streams the task's logs (the stream ends on paused/error). */
export const STREAMING_STATUSES: ReadonlySet<TaskStatus> = new Set(["pending", "initializing", "active", "unknown"]);

/**
 * One task by owner and id-or-name. While the live stream is connected it delivers the task (its
 * first event), so nothing is fetched here; once the stream has closed (paused, error, or it
 * could not connect) the task is fetched, and re-fetched when the dashboard's event stream says it
 * changed (a resume from elsewhere shows at once; polled slowly only while that stream is down).
 * A missing task gets its proper 404.
 */
export function useTask(owner: string, task: string, { streaming }: { streaming: boolean }) {
  const qc = useQueryClient();
  const poll = usePollWhileDisconnected();
  return useQuery<LiveTask>({
    queryKey: taskKeys.one(owner, task),
    queryFn: () => api.task(owner, task),
    initialData: () => findListedTask(qc, owner, task)?.task,
    initialDataUpdatedAt: () => findListedTask(qc, owner, task)?.updatedAt,
    enabled: !streaming,
    refetchInterval: (query) => {
      const gone = query.state.data?.deleted || (query.state.error instanceof TaskyardError && query.state.error.status === 404);
      return gone ? false : poll;
    },
  });
}

export function useUpdatePrompt(owner: string, task: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (prompt: string) => api.updatePrompt(owner, task, prompt),
    onSuccess: (_void, prompt) => {
      qc.setQueryData<LiveTask>(taskKeys.one(owner, task), (old) => (old ? { ...old, initial_prompt: prompt } : old));
      void qc.invalidateQueries({ queryKey: taskKeys.all });
    },
  });
}

export type RetryEdits = { prompt?: string; repository?: { repo_url: string; base_ref?: string } };

/**
 * "Edit and retry" for a task whose first start failed: saves what changed (the prompt, the
 * repository), then resumes. A retry that would fail again is refused by the resume with the
 * reason; the edits already saved stay.
 */
export function useRetryTask(owner: string, task: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (edits: RetryEdits) => {
      if (edits.prompt !== undefined) await api.updatePrompt(owner, task, edits.prompt);
      if (edits.repository) qc.setQueryData<LiveTask>(taskKeys.one(owner, task), await api.updateRepository(owner, task, edits.repository));
      return api.resume(owner, task);
    },
    onSettled: () => {
      void qc.invalidateQueries({ queryKey: taskKeys.one(owner, task) });
      void qc.invalidateQueries({ queryKey: taskKeys.all });
    },
  });
}
