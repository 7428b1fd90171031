"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { TaskyardError, type Task, type TaskChanges } from "@/lib/sdk/client";
import { api } from "./api-client";
import { taskKeys } from "./use-tasks";

/**
 * What changes the server's answer: a finished turn (the agent goes idle), a new change summary,
 * or a status change (a pause takes the snapshot, a resume reads the live tree again).
 */
function changesVersion(task: Task): string {
  const state = task.current_state;
  const repo = task.repository;
  return [
    task.status,
    state?.state === "idle" ? state.timestamp : (state?.state ?? ""),
    repo ? `${repo.changed_files}:${repo.additions}:${repo.deletions}` : "",
  ].join("|");
}

/**
 * The task's repository changes (`GET …/changes`), fetched only while someone looks at them
 * (`enabled`). The task itself (from the live stream, or polled) says when they may have
 * changed, so that is part of the key: each new version is fetched once, and the last one stays
 * on screen meanwhile. A 409 (no repository, or the task is in error) is an answer, not a
 * hiccup: it is not retried.
 */
export function useTaskChanges(owner: string, taskRef: string, task: Task, { enabled }: { enabled: boolean }) {
  return useQuery<TaskChanges>({
    queryKey: [...taskKeys.changes(owner, taskRef), changesVersion(task)],
    queryFn: () => api.changes(owner, taskRef),
    enabled: enabled && task.repository !== null,
    staleTime: Infinity,
    placeholderData: keepPreviousData,
    retry: (count, error) => !(error instanceof TaskyardError && error.status < 500) && count < 2,
  });
}

/**
 * For the delete confirmation: what the task's branch holds that its remote does not, read afresh
 * each time the confirmation opens. Any error (a 409 for a task in error, say) only means no warning.
 */
export function useChangesBeforeDelete(task: Task, { enabled }: { enabled: boolean }) {
  return useQuery<TaskChanges>({
    queryKey: [...taskKeys.changes(task.owner_name, task.name), "before-delete"],
    queryFn: () => api.changes(task.owner_name, task.id),
    enabled: enabled && task.repository !== null,
    staleTime: 0,
    gcTime: 0,
    retry: false,
  });
}
