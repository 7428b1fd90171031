"use client";

import { keepPreviousData, useMutation, useQuery, useQueryClient, type QueryClient } from "@tanstack/react-query";
import type { CreatePullRequestInput, CreateTaskInput, Task } from "@/lib/sdk/client";
import { api } from "./api-client";
import { FALLBACK_POLL_MS, useTaskEventsConnected, usePollWhileDisconnected } from "./task-events-connection";
import { PAGE_SIZE } from "./task-query";

type TaskList = { tasks: Task[]; count: number };

export const taskKeys = {
  all: ["tasks"] as const,
  lists: ["tasks", "list"] as const,
  list: (q: string, limit: number) => ["tasks", "list", q, limit] as const,
  count: (q: string) => ["tasks", "count", q] as const,
  one: (owner: string, task: string) => ["task", owner.toLowerCase(), task.toLowerCase()] as const,
  logs: (owner: string, task: string) => ["task-logs", owner.toLowerCase(), task.toLowerCase()] as const,
  changes: (owner: string, task: string) => ["task-changes", owner.toLowerCase(), task.toLowerCase()] as const,
  inputs: (owner: string, task: string) => ["task-inputs", owner.toLowerCase(), task.toLowerCase()] as const,
  setupLog: (owner: string, task: string) => ["task-setup-log", owner.toLowerCase(), task.toLowerCase()] as const,
  toolCalls: (owner: string, task: string, logId: number) => ["task-tool-calls", owner.toLowerCase(), task.toLowerCase(), logId] as const,
};

/**
 * The first `limit` tasks matching `q`. "Load more" raises the limit instead of fetching pages, so
 * each refresh is one request and rows never shift between pages.
 */
export function useTasks(q: string, limit = PAGE_SIZE) {
  return useQuery({
    queryKey: taskKeys.list(q, limit),
    queryFn: () => api.tasks(q, { limit }),
    // Fresh by push (useTaskEvents); polled only while that stream is down.
    refetchInterval: usePollWhileDisconnected(),
    placeholderData: keepPreviousData,
  });
}

/**
 * How many tasks match `q` (one row fetched, the total read from `count`). `onceListening`: not
 * before the change stream is open (the tab's badge: a page that shows no list reads it once, after
 * the stream's own catch-up, instead of twice).
 */
export function useTaskCount(q: string, { onceListening = false } = {}) {
  const listening = useTaskEventsConnected();
  return useQuery({
    queryKey: taskKeys.count(q),
    queryFn: () => api.tasks(q, { limit: 1 }),
    enabled: !onceListening || listening,
    refetchInterval: listening ? false : FALLBACK_POLL_MS,
    placeholderData: keepPreviousData,
    select: (d) => d.count,
  });
}

/** A task the list already holds, so its page can paint before its own request returns. */
export function findListedTask(qc: QueryClient, owner: string, task: string): { task: Task; updatedAt: number } | undefined {
  const o = owner.toLowerCase();
  const t = task.toLowerCase();
  for (const query of qc.getQueryCache().findAll({ queryKey: taskKeys.lists })) {
    const data = query.state.data as TaskList | undefined;
    const hit = data?.tasks.find((x) => x.owner_name.toLowerCase() === o && (x.name.toLowerCase() === t || x.id === t));
    if (hit) return { task: hit, updatedAt: query.state.dataUpdatedAt };
  }
}

function updateListedTasks(qc: QueryClient, update: (list: TaskList) => TaskList) {
  qc.setQueriesData<TaskList>({ queryKey: taskKeys.lists }, (old) => (old ? update(old) : old));
}

export function useCreateTask({ prependTo }: { prependTo?: readonly unknown[] } = {}) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: CreateTaskInput) => api.createTask(input),
    onSuccess: (task) => {
      // The new task shows at once, as `pending`, in the list the user is looking at.
      if (prependTo) {
        qc.setQueryData<TaskList>(prependTo, (old) =>
          old && !old.tasks.some((t) => t.id === task.id) ? { tasks: [task, ...old.tasks], count: old.count + 1 } : old,
        );
      }
      void qc.invalidateQueries({ queryKey: taskKeys.all });
    },
  });
}

export type TaskRef = { owner: string; name: string; id: string };

function useTaskMutation<T, R extends TaskRef = TaskRef>(run: (ref: R) => Promise<T>, after?: (qc: QueryClient, ref: R) => void) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: run,
    onSuccess: (_data, ref) => {
      if (after) after(qc, ref);
      else void qc.invalidateQueries({ queryKey: taskKeys.one(ref.owner, ref.name) });
      void qc.invalidateQueries({ queryKey: taskKeys.all });
    },
  });
}

/** `force`: interrupt a working agent's turn first (the server refuses to pause mid-turn without it). */
export const usePauseTask = () => useTaskMutation((t: TaskRef & { force?: boolean }) => api.pause(t.owner, t.name, { force: t.force }));
/** Stops the agent's running turn; the workspace keeps running. */
export const useInterruptTask = () => useTaskMutation((t) => api.interrupt(t.owner, t.name));
export const useResumeTask = () => useTaskMutation((t) => api.resume(t.owner, t.name));
export const useDeleteTask = () =>
  useTaskMutation(
    (t) => api.deleteTask(t.owner, t.name),
    (qc, ref) => updateListedTasks(qc, (l) => ({ tasks: l.tasks.filter((t) => t.id !== ref.id), count: Math.max(0, l.count - 1) })),
  );

/** After a push or a pull request: the task (its `pushed_commit`, `pull_request`), the lists' badges and the changes' counts. */
function invalidateAfterPush(qc: QueryClient, owner: string, task: string) {
  void qc.invalidateQueries({ queryKey: taskKeys.one(owner, task) });
  void qc.invalidateQueries({ queryKey: taskKeys.changes(owner, task) });
  void qc.invalidateQueries({ queryKey: taskKeys.all });
}

/** `POST …/push`; `owner` and `task` as the page names them (the query keys use those). */
export function usePushTask(owner: string, task: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => api.push(owner, task),
    onSuccess: () => invalidateAfterPush(qc, owner, task),
  });
}

/** `POST …/pull-request`: pushes, then opens (or answers the open) pull request. */
export function useCreatePullRequest(owner: string, task: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: CreatePullRequestInput) => api.pullRequest(owner, task, input),
    onSuccess: () => invalidateAfterPush(qc, owner, task),
  });
}
