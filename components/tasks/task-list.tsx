"use client";

import { Inbox, MessageSquare, SearchX } from "lucide-react";
import type { Task } from "@/lib/sdk/client";
import { Button } from "@/components/ui/button";
import { ErrorState } from "@/components/ui/error-state";
import { Skeleton } from "@/components/ui/skeleton";
import { TaskRow } from "./task-row";

type Props = {
  tasks: Task[] | undefined;
  count: number;
  loading: boolean;
  error: unknown;
  retrying: boolean;
  onRetry: () => void;
  onLoadMore: () => void;
  loadingMore: boolean;
  empty: "first-run" | "waiting" | "filtered";
  onClearFilters: () => void;
};

const frame = "overflow-hidden rounded-xl border border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-950";

export function TaskList({ tasks, count, loading, error, retrying, onRetry, onLoadMore, loadingMore, empty, onClearFilters }: Props) {
  if (!tasks && loading) return <TaskListSkeleton />;
  if (!tasks) return <ErrorState title="Couldn’t load tasks" error={error} onRetry={onRetry} retrying={retrying} />;
  if (tasks.length === 0) return <EmptyState kind={empty} onClearFilters={onClearFilters} />;
  return (
    <div className="flex flex-col gap-3">
      {error ? (
        <div role="status" className="flex items-center justify-between gap-2 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:bg-amber-950/40 dark:text-amber-200">
          Couldn’t refresh the list; showing what was loaded last.
          <Button size="sm" onClick={onRetry} busy={retrying}>
            Try again
          </Button>
        </div>
      ) : null}
      <ul aria-label="Tasks" className={`${frame} divide-y divide-zinc-200 dark:divide-zinc-800`}>
        {tasks.map((task) => (
          <TaskRow key={task.id} task={task} />
        ))}
      </ul>
      <div className="flex items-center justify-between gap-2 text-xs text-zinc-500 dark:text-zinc-400">
        <span>
          Showing {tasks.length.toLocaleString("en")} of {count.toLocaleString("en")}
        </span>
        {tasks.length < count && (
          <Button onClick={onLoadMore} busy={loadingMore}>
            Load more
          </Button>
        )}
      </div>
    </div>
  );
}

export function TaskListSkeleton() {
  return (
    <div aria-busy="true" aria-label="Loading tasks" role="status" className={`${frame} divide-y divide-zinc-200 dark:divide-zinc-800`}>
      {Array.from({ length: 6 }, (_, i) => (
        <div key={i} className="flex items-center gap-3 px-4 py-3.5">
          <Skeleton className="size-8 shrink-0 rounded-md" />
          <div className="flex min-w-0 flex-1 flex-col gap-2">
            <Skeleton className="h-3.5 w-2/5" />
            <Skeleton className="h-3 w-3/5" />
          </div>
          <Skeleton className="hidden h-5 w-20 rounded-full sm:block" />
          <Skeleton className="h-8 w-16" />
        </div>
      ))}
    </div>
  );
}

function EmptyState({ kind, onClearFilters }: { kind: Props["empty"]; onClearFilters: () => void }) {
  const content = {
    "first-run": {
      icon: Inbox,
      title: "No tasks yet — write a prompt above",
      body: "Describe what you want done, pick a template and press Create task (or Ctrl/⌘ + Enter). The agent starts in a fresh workspace and its progress shows up here.",
    },
    waiting: {
      icon: MessageSquare,
      title: "No task is waiting for input",
      body: "When an agent finishes its turn and needs you, its task appears here.",
    },
    filtered: { icon: SearchX, title: "No tasks match these filters", body: "Try another status or search, or clear the filters." },
  }[kind];
  const Icon = content.icon;
  return (
    <div className={`${frame} flex flex-col items-center gap-2 border-dashed px-6 py-12 text-center`}>
      <Icon aria-hidden className="size-7 text-zinc-400" />
      <h2 className="font-medium">{content.title}</h2>
      <p className="max-w-md text-sm text-zinc-500 dark:text-zinc-400">{content.body}</p>
      {kind === "filtered" && (
        <Button className="mt-2" onClick={onClearFilters}>
          Clear filters
        </Button>
      )}
    </div>
  );
}
