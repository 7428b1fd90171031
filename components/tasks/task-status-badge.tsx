import { Check, CircleAlert, History, Hourglass, LoaderCircle, MessageSquare, TimerOff } from "lucide-react";
import type { Task, TaskStatus } from "@/lib/sdk/client";
import { statusLabel } from "./task-status";

const STYLES: Record<TaskStatus, { dot: string; badge: string }> = {
  active: { dot: "bg-green-500", badge: "bg-green-50 text-green-800 ring-green-600/20 dark:bg-green-950/40 dark:text-green-300 dark:ring-green-400/25" },
  pending: { dot: "bg-blue-500", badge: "bg-blue-50 text-blue-800 ring-blue-600/20 dark:bg-blue-950/40 dark:text-blue-300 dark:ring-blue-400/25" },
  initializing: { dot: "bg-amber-500", badge: "bg-amber-50 text-amber-800 ring-amber-600/25 dark:bg-amber-950/40 dark:text-amber-300 dark:ring-amber-400/25" },
  paused: { dot: "bg-zinc-400", badge: "bg-zinc-100 text-zinc-700 ring-zinc-500/20 dark:bg-zinc-800 dark:text-zinc-300 dark:ring-zinc-400/20" },
  unknown: { dot: "bg-orange-500", badge: "bg-orange-50 text-orange-800 ring-orange-600/20 dark:bg-orange-950/40 dark:text-orange-300 dark:ring-orange-400/25" },
  error: { dot: "bg-red-500", badge: "bg-red-50 text-red-800 ring-red-600/20 dark:bg-red-950/40 dark:text-red-300 dark:ring-red-400/25" },
};

export function TaskStatusBadge({ task }: { task: Pick<Task, "status" | "workspace_status"> }) {
  const style = STYLES[task.status];
  return (
    <span
      data-testid="task-status"
      className={`inline-flex items-center gap-1.5 rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${style.badge}`}
    >
      <span aria-hidden className={`size-1.5 rounded-full ${style.dot}`} />
      {statusLabel(task)}
    </span>
  );
}

const STATE_ICONS = {
  working: { icon: LoaderCircle, label: "Working", className: "animate-spin text-blue-600 dark:text-blue-400" },
  idle: { icon: MessageSquare, label: "Waiting for input", className: "text-green-600 dark:text-green-400" },
  complete: { icon: Check, label: "Complete", className: "text-green-600 dark:text-green-400" },
  failed: { icon: CircleAlert, label: "Failed", className: "text-red-600 dark:text-red-400" },
} as const;

/**
 * The agent's latest report: an icon for its state and its message. Once the task is no longer
 * running (paused, failed…) the report is history, so it is shown muted, without its state.
 */
export function TaskStateMessage({ state, status, className = "" }: { state: Task["current_state"]; status: TaskStatus; className?: string }) {
  if (!state) return null;
  // A pending task's state is the server saying why it waits (no provisioner with its tags): current, but nobody is working yet.
  const waiting = status === "pending";
  const current = waiting || status === "active" || status === "initializing";
  const known = current && !waiting ? STATE_ICONS[state.state as keyof typeof STATE_ICONS] : undefined;
  const Icon = known?.icon ?? (current ? Hourglass : History);
  const label = waiting ? "Waiting" : current ? (known?.label ?? state.state) : "Last report";
  return (
    <p className={`flex min-w-0 items-center gap-1.5 text-sm ${current ? "text-zinc-600 dark:text-zinc-400" : "text-zinc-400 dark:text-zinc-500"} ${className}`}>
      <Icon aria-hidden className={`size-3.5 shrink-0 ${known?.className ?? ""}`} />
      <span className="sr-only">{label}: </span>
      <span className="truncate" title={state.message}>
        {state.message || label}
      </span>
    </p>
  );
}

/** Why a paused task is paused when a person did not pause it (the idle auto-pause), as the API says it. */
export function TaskPausedReason({ reason, className = "" }: { reason: Task["paused_reason"]; className?: string }) {
  if (!reason) return null;
  return (
    <p data-testid="task-paused-reason" className={`flex min-w-0 items-center gap-1.5 text-sm text-zinc-500 dark:text-zinc-400 ${className}`}>
      <TimerOff aria-hidden className="size-3.5 shrink-0" />
      <span className="truncate">{reason}</span>
    </p>
  );
}
