"use client";

import { Pause, Play, Trash2 } from "lucide-react";
import { useEffect, useState } from "react";
import { TaskyardError, type Task, type TaskStatus } from "@/lib/sdk/client";
import { useChangesBeforeDelete } from "@/hooks/use-task-changes";
import { useDeleteTask, usePauseTask, useResumeTask } from "@/hooks/use-tasks";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { InlineError } from "@/components/ui/error-state";
import { pendingWork } from "./task-repository";
import { canPause, canResume, isAgentWorking } from "./task-status";

/** Where a pause or resume has landed; until then its button shows progress. */
const SETTLED: Record<"pause" | "resume", TaskStatus[]> = { pause: ["paused", "error"], resume: ["active", "error", "paused"] };
const GIVE_UP_MS = 90_000;

type Progress = { action: "pause" | "resume"; from: TaskStatus; since: number };

/**
 * Pause / Resume / Delete… for one task. `compact` (list rows) shows icons on narrow screens and
 * names the task in each button's accessible name.
 */
export function TaskActions({ task, compact = false, onDeleted }: { task: Task; compact?: boolean; onDeleted?: () => void }) {
  // The task page always shows both buttons (disabled when not valid); list rows only the valid one.
  const showAll = !compact;
  const pause = usePauseTask();
  const resume = useResumeTask();
  const remove = useDeleteTask();
  const [progress, setProgress] = useState<Progress>();
  const [confirming, setConfirming] = useState(false);
  // Pausing mid-turn cuts the turn short: asked first, then sent with `force`.
  const [confirmingPause, setConfirmingPause] = useState(false);
  const ref = { owner: task.owner_name, name: task.name, id: task.id };
  const changesBeforeDelete = useChangesBeforeDelete(task, { enabled: confirming });
  const unpushed = changesBeforeDelete.data ? pendingWork(changesBeforeDelete.data) : [];

  // The button keeps its spinner until the status has moved on to where the action leads.
  if (progress && task.status !== progress.from && SETTLED[progress.action].includes(task.status)) setProgress(undefined);
  useEffect(() => {
    if (!progress) return;
    const timer = setTimeout(() => setProgress(undefined), Math.max(0, progress.since + GIVE_UP_MS - Date.now()));
    return () => clearTimeout(timer);
  }, [progress]);

  const start = (action: "pause" | "resume", force = false) => {
    if (action === "pause" && !force && isAgentWorking(task)) return setConfirmingPause(true);
    setProgress({ action, from: task.status, since: Date.now() });
    if (action === "resume") return resume.mutate(ref, { onError: () => setProgress(undefined) });
    pause.mutate(
      { ...ref, force },
      {
        onError: (error) => {
          setProgress(undefined);
          // The agent started working after this page last heard: ask, as if it had known.
          if (!force && error instanceof TaskyardError && error.status === 409 && /working/.test(error.message)) {
            pause.reset();
            setConfirmingPause(true);
          }
        },
      },
    );
  };

  const label = (verb: string) => (compact ? `${verb} ${task.display_name || task.name}` : undefined);
  const text = (verb: string) => (compact ? <span className="max-sm:sr-only">{verb}</span> : verb);
  const pausing = progress?.action === "pause";
  const resuming = progress?.action === "resume";
  const error = pause.error ?? resume.error;

  return (
    <div className="flex flex-col items-end gap-1">
      <div className="flex items-center gap-1.5">
        {(showAll || canPause(task) || pausing) && (
          <Button
            size="sm"
            aria-label={label(pausing ? "Pausing" : "Pause")}
            busy={pausing}
            disabled={(!!progress && !pausing) || (!pausing && !canPause(task))}
            title={!canPause(task) && !pausing ? "Only a running task can be paused" : undefined}
            onClick={() => start("pause")}
          >
            {!pausing && <Pause aria-hidden className="size-3.5" />}
            {text(pausing ? "Pausing…" : "Pause")}
          </Button>
        )}
        {(showAll || canResume(task) || resuming) && (
          <Button
            size="sm"
            aria-label={label(resuming ? "Resuming" : "Resume")}
            busy={resuming}
            disabled={(!!progress && !resuming) || (!resuming && !canResume(task))}
            title={!canResume(task) && !resuming ? "Only a paused or failed task, or one whose host was lost, can be resumed" : undefined}
            onClick={() => start("resume")}
          >
            {!resuming && <Play aria-hidden className="size-3.5" />}
            {text(resuming ? "Resuming…" : "Resume")}
          </Button>
        )}
        <Button size="sm" variant="ghost" aria-label={label("Delete")} onClick={() => setConfirming(true)}>
          <Trash2 aria-hidden className="size-3.5" />
          {text("Delete…")}
        </Button>
      </div>
      {error && !progress ? <InlineError error={error} /> : null}
      <ConfirmDialog
        open={confirmingPause}
        title="Interrupt the agent and pause?"
        confirmLabel="Interrupt and pause"
        onCancel={() => setConfirmingPause(false)}
        onConfirm={() => {
          setConfirmingPause(false);
          start("pause", true);
        }}
      >
        <p>
          The agent is working on “<span className="font-medium text-zinc-900 dark:text-zinc-100">{task.display_name || task.name}</span>”. Pausing
          now interrupts its turn: what it has written so far is kept, marked as interrupted, and the workspace stops.
        </p>
      </ConfirmDialog>
      <ConfirmDialog
        open={confirming}
        title="Delete this task?"
        confirmLabel="Delete task"
        busy={remove.isPending}
        error={remove.error}
        onCancel={() => {
          setConfirming(false);
          remove.reset();
        }}
        onConfirm={() =>
          // Not mutate's onSuccess: the page may learn of the deletion from its event stream first
          // and unmount these buttons, and a callback passed to mutate never runs after that.
          remove.mutateAsync(ref).then(
            () => {
              setConfirming(false);
              onDeleted?.();
            },
            () => {}, // shown in the dialog (remove.error)
          )
        }
      >
        <p>
          “<span className="font-medium text-zinc-900 dark:text-zinc-100">{task.display_name || task.name}</span>” will be stopped, its
          workspace removed and its conversation deleted. This can’t be undone.
        </p>
        {unpushed.length > 0 && (
          <p role="note" data-testid="delete-unpushed-warning" className="mt-2 font-medium text-amber-800 dark:text-amber-300">
            {unpushed.join(" and ")} will be lost. Push first to keep them.
          </p>
        )}
      </ConfirmDialog>
    </div>
  );
}
