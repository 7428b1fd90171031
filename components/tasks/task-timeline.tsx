"use client";

import { Check, X } from "lucide-react";
import type { Task, TaskSetupLog } from "@/lib/sdk/client";
import { STAGE_ORDER, type StageEntry, type StageKey, stageOf, useTaskStages } from "@/hooks/use-task-stages";
import { useNow } from "@/hooks/use-now";
import { formatDuration } from "@/components/ui/format-time";
import { SideCard } from "@/components/ui/side-card";

const LABELS: Record<StageKey, string> = {
  queued: "Queued",
  provisioning: "Provisioning",
  agent: "Agent starting",
  running: "Working / waiting for input",
  paused: "Paused",
};

type Row = { key: StageKey | "setup"; label: string; state: "done" | "current" | "failed" | "upcoming"; duration?: string; detail?: string };

/** Where the failure happened, when the task is in error. */
function failedStage(task: Task, seen: StageEntry[]): StageKey {
  if (task.workspace_status === "failed" || task.workspace_status === "canceled" || task.workspace_status === "canceling") return "provisioning";
  if (task.workspace_agent_lifecycle && task.workspace_agent_lifecycle !== "ready") return "agent";
  const last = seen.at(-1)?.key;
  return last && last !== "paused" ? last : "running";
}

function failureMessage(task: Task): string {
  if (task.current_state?.state === "failed" && task.current_state.message) return task.current_state.message;
  if (task.workspace_status === "failed") return "The workspace build failed.";
  if (task.workspace_status === "canceled" || task.workspace_status === "canceling") return "The workspace build was canceled.";
  if (task.workspace_agent_health && !task.workspace_agent_health.healthy && task.workspace_agent_health.reason) return task.workspace_agent_health.reason;
  return "The agent stopped unexpectedly.";
}

/**
 * The "Setting up" row, from the setup log's own times and status, placed after Provisioning (which
 * covers the build, the script included): while the current start's script runs, or after it
 * failed, the stages after it wait; once it is done, the rest of the start is the agent starting.
 */
function withSetupStage(rows: Row[], task: Task, setup: TaskSetupLog | null | undefined, now: number): Row[] {
  if (!setup) return rows;
  const at = rows.findIndex((r) => r.key === "provisioning");
  const current = setup.build_number === task.workspace_build_number;
  const starting = task.status === "pending" || task.status === "initializing" || (task.status === "error" && current);
  const end = setup.finished_at ? Date.parse(setup.finished_at) : now || null;
  const duration = current && end != null ? formatDuration(end - Date.parse(setup.started_at)) : undefined;
  let row: Row = { key: "setup", label: "Setting up", state: "upcoming" };
  if (!current) {
    // An earlier start's run: this start has yet to run it, or (paused) the last one ran it.
    if (!starting && rows[at]?.state === "done") row = { ...row, state: "done" };
    return [...rows.slice(0, at + 1), row, ...rows.slice(at + 1)];
  }
  if (setup.status === "running") row = { ...row, state: "current", duration };
  else if (setup.status === "succeeded") row = { ...row, state: "done", duration };
  else row = { ...row, state: "failed", duration, detail: failureMessage(task) };
  const next = rows.map((r, i) => {
    if (i === at && (r.state === "current" || r.state === "failed")) return { ...r, state: "done" as const, detail: undefined };
    // Done setting up while the build still runs: what is left of it is the agent starting.
    if (r.key === "agent" && row.state === "done" && rows[at]?.state === "current") return { ...r, state: "current" as const };
    if (i > at && row.state !== "done") return { key: r.key, label: LABELS[r.key as StageKey], state: "upcoming" as const };
    return r;
  });
  return [...next.slice(0, at + 1), row, ...next.slice(at + 1)];
}

export function TaskTimeline({ task, setup }: { task: Task; setup?: TaskSetupLog | null }) {
  const seen = useTaskStages(task.id);
  const now = useNow();
  const current = stageOf(task);
  const failed = task.status === "error" ? failedStage(task, seen) : undefined;
  const reached = failed ?? current ?? seen.at(-1)?.key ?? "queued";
  const reachedIndex = STAGE_ORDER.indexOf(reached);

  const stages: Row[] = STAGE_ORDER.filter((key) => key !== "paused" || reached === "paused").map((key, i) => {
    const entryIndex = seen.findIndex((e) => e.key === key);
    const entry = seen[entryIndex];
    const end = seen[entryIndex + 1]?.at ?? (key === current ? now : null);
    const duration = entry?.at != null && end != null && now ? formatDuration(end - entry.at) : undefined;
    let label = LABELS[key];
    if (key === "running" && (current === "running" || reached === "running")) {
      label = task.current_state?.state === "idle" ? "Waiting for input" : task.current_state?.state === "working" ? "Working" : label;
    }
    if (key === failed) return { key, label, state: "failed", duration, detail: failureMessage(task) };
    if (i < reachedIndex) return { key, label, state: "done", duration };
    if (i === reachedIndex) return { key, label, state: key === current ? "current" : "done", duration };
    return { key, label, state: "upcoming" };
  });
  const rows = withSetupStage(stages, task, setup, now);

  return (
    <SideCard id="timeline-heading" title="Stages">
      <ol className="mt-3 flex flex-col">
        {rows.map((row, i) => (
          <li key={row.key} data-testid="stage" data-state={row.state} aria-current={row.state === "current" ? "step" : undefined} className="relative flex gap-3 pb-4 last:pb-0">
            {i < rows.length - 1 && <span aria-hidden className="absolute top-5 left-[9px] h-[calc(100%-1.25rem)] w-px bg-zinc-200 dark:bg-zinc-800" />}
            <StageDot state={row.state} />
            <div className="min-w-0 flex-1">
              <div className="flex items-baseline justify-between gap-2">
                <span
                  className={`text-sm ${
                    row.state === "failed"
                      ? "font-medium text-red-700 dark:text-red-400"
                      : row.state === "upcoming"
                        ? "text-zinc-400 dark:text-zinc-500"
                        : row.state === "current"
                          ? "font-medium"
                          : "text-zinc-700 dark:text-zinc-300"
                  }`}
                >
                  {row.label}
                  <span className="sr-only">{{ done: " (done)", current: " (current)", failed: " (failed)", upcoming: "" }[row.state]}</span>
                </span>
                {row.duration && <span className="shrink-0 text-xs whitespace-nowrap text-zinc-500 tabular-nums dark:text-zinc-400">{row.duration}</span>}
              </div>
              {row.detail && <p className="mt-0.5 text-xs break-words text-red-700 dark:text-red-400">{row.detail}</p>}
            </div>
          </li>
        ))}
      </ol>
    </SideCard>
  );
}

function StageDot({ state }: { state: Row["state"] }) {
  const base = "relative z-10 mt-0.5 flex size-[19px] shrink-0 items-center justify-center rounded-full";
  if (state === "done")
    return (
      <span aria-hidden className={`${base} bg-green-600 text-white dark:bg-green-500 dark:text-zinc-950`}>
        <Check className="size-3" strokeWidth={3} />
      </span>
    );
  if (state === "failed")
    return (
      <span aria-hidden className={`${base} bg-red-600 text-white`}>
        <X className="size-3" strokeWidth={3} />
      </span>
    );
  if (state === "current")
    return (
      <span aria-hidden className={`${base} bg-blue-100 ring-2 ring-blue-500 dark:bg-blue-950`}>
        <span className="size-2 animate-pulse rounded-full bg-blue-500 motion-reduce:animate-none" />
      </span>
    );
  return <span aria-hidden className={`${base} border-2 border-zinc-300 bg-white dark:border-zinc-700 dark:bg-zinc-900`} />;
}
