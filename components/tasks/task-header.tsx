import { ArrowLeft, ExternalLink, Link2 } from "lucide-react";
import Link from "next/link";
import type { Task } from "@/lib/sdk/client";
import { TemplateIcon } from "@/components/templates/template-icon";
import { TaskUsage } from "./task-cost";
import { TaskPausedReason, TaskStateMessage, TaskStatusBadge } from "./task-status-badge";
import { safeLink } from "./task-status";
import { TaskStopButton } from "./task-stop-button";

export function TaskHeader({ task, actions }: { task: Task; actions: React.ReactNode }) {
  const uri = task.current_state?.uri;
  const href = uri ? safeLink(uri) : undefined;
  return (
    <header className="flex flex-col gap-3">
      <Link href="/tasks" className="inline-flex w-fit items-center gap-1 rounded text-sm text-zinc-500 hover:text-zinc-800 dark:text-zinc-400 dark:hover:text-zinc-200">
        <ArrowLeft aria-hidden className="size-4" />
        All tasks
      </Link>
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div className="flex min-w-0 items-start gap-3">
          <TemplateIcon src={task.template_icon} name={task.template_display_name} size={40} />
          <div className="min-w-0">
            <h1 className="text-lg leading-tight font-semibold break-words sm:text-xl">{task.display_name || task.name}</h1>
            <p className="mt-0.5 truncate text-xs text-zinc-500 dark:text-zinc-400">
              <span className="font-mono">{task.name}</span> · {task.template_display_name} · {task.owner_name}
            </p>
          </div>
        </div>
        {actions}
      </div>
      <div className="flex flex-wrap items-center gap-x-3 gap-y-2">
        <TaskStatusBadge task={task} />
        <TaskPausedReason reason={task.paused_reason} />
        <TaskStateMessage state={task.current_state} status={task.status} className="max-w-full" />
        <TaskStopButton task={task} />
        <TaskUsage task={task} />
        {uri &&
          (href ? (
            <a
              href={href}
              target="_blank"
              rel="noopener noreferrer"
              className="inline-flex max-w-full items-center gap-1 rounded-full border border-zinc-300 px-2 py-0.5 text-xs text-zinc-700 hover:bg-zinc-100 dark:border-zinc-700 dark:text-zinc-300 dark:hover:bg-zinc-800"
            >
              <Link2 aria-hidden className="size-3.5 shrink-0" />
              <span className="truncate">{uri}</span>
              <ExternalLink aria-hidden className="size-3 shrink-0" />
            </a>
          ) : (
            <span className="inline-flex max-w-full items-center gap-1 rounded-full border border-zinc-300 px-2 py-0.5 text-xs text-zinc-600 dark:border-zinc-700 dark:text-zinc-400">
              <Link2 aria-hidden className="size-3.5 shrink-0" />
              <span className="truncate">{uri}</span>
            </span>
          ))}
      </div>
    </header>
  );
}
