"use client";

import Link from "next/link";
import { lazy, Suspense } from "react";
import type { Task } from "@/lib/sdk/client";
import { RelativeTime } from "@/components/ui/relative-time";
import { TemplateIcon } from "@/components/templates/template-icon";
import { hasCost, TaskCost } from "./task-cost";
import { PullRequestBadge, RepositorySummary } from "./task-repository";
import { TaskPausedReason, TaskStateMessage, TaskStatusBadge } from "./task-status-badge";
import { taskHref } from "./task-status";

// Row actions (with their dialog and mutations) load right after the list code, not before it.
const loadActions = () => import("./task-actions");
if (typeof window !== "undefined") void loadActions();
const TaskActions = lazy(() => loadActions().then((m) => ({ default: m.TaskActions })));

/** One task in the list; the whole row opens the task, its buttons sit above that link. */
export function TaskRow({ task }: { task: Task }) {
  const title = task.display_name || task.name;
  return (
    <li
      data-testid="task-row"
      data-task-id={task.id}
      className="relative grid grid-cols-[auto_minmax(0,1fr)_auto] items-start gap-x-3 gap-y-1.5 px-3 py-3 hover:bg-zinc-50 sm:grid-cols-[auto_minmax(0,1.4fr)_minmax(0,1fr)_auto_auto] sm:items-center sm:px-4 dark:hover:bg-zinc-900/60"
    >
      <div className="row-span-2 pt-0.5 sm:row-span-1 sm:pt-0">
        <TemplateIcon src={task.template_icon} name={task.template_display_name} size={32} />
      </div>
      <div className="min-w-0">
        <Link
          href={taskHref(task)}
          prefetch={false}
          className="block truncate font-medium text-zinc-900 after:absolute after:inset-0 focus-visible:outline-none focus-visible:after:outline-2 focus-visible:after:-outline-offset-2 focus-visible:after:outline-blue-600 dark:text-zinc-100 dark:focus-visible:after:outline-blue-400"
        >
          {title}
        </Link>
        <p className="truncate text-xs text-zinc-500 dark:text-zinc-400">
          <span className="font-mono">{task.name}</span> · {task.template_display_name}
        </p>
        {task.repository && (
          <div className="flex min-w-0 items-center gap-2">
            <RepositorySummary repository={task.repository} />
            {task.pull_request && <PullRequestBadge pullRequest={task.pull_request} />}
          </div>
        )}
      </div>
      <div className="relative z-10 col-start-3 row-start-1 sm:col-start-5">
        <Suspense fallback={<div className="h-8 w-8 sm:w-20" />}>
          <TaskActions task={task} compact />
        </Suspense>
      </div>
      <div className="col-span-2 col-start-2 flex min-w-0 flex-col gap-1 sm:col-span-1 sm:col-start-3 sm:row-start-1">
        <div className="flex items-center gap-2 sm:block">
          <TaskStatusBadge task={task} />
          <span className="text-xs text-zinc-500 sm:hidden dark:text-zinc-400">
            {task.owner_name} · {task.created_at && <RelativeTime iso={task.created_at} />}
            {hasCost(task) && (
              <>
                {" · "}
                <TaskCost task={task} />
              </>
            )}
          </span>
        </div>
        <TaskPausedReason reason={task.paused_reason} className="text-xs" />
        <TaskStateMessage state={task.current_state} status={task.status} className="text-xs" />
      </div>
      <div className="hidden text-right text-xs whitespace-nowrap text-zinc-500 sm:col-start-4 sm:row-start-1 sm:block dark:text-zinc-400">
        <div>{task.owner_name}</div>
        {task.created_at && <RelativeTime iso={task.created_at} />}
        <TaskCost task={task} className="block" />
      </div>
    </li>
  );
}
