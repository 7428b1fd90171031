import type { Task } from "../sdk/client";

/** What about a task calls its owner back: it waits for input, it is done, or it failed. */
export type Attention = "idle" | "complete" | "failed";

/**
 * The one rule for when a task needs its owner: its agent (on a running task) waits for input,
 * reports it is complete, or reports a failure; or the task itself failed (a build that failed, an
 * agent that died). "Waiting for input" is the same set the list's tab and the tab title count.
 */
export function attentionOf(task: Pick<Task, "status" | "current_state">): Attention | null {
  if (task.status === "error") return "failed";
  if (task.status !== "active" || !task.current_state) return null;
  const { state } = task.current_state;
  return state === "idle" || state === "complete" || state === "failed" ? state : null;
}

/**
 * Remembers what each task last called for, so each change to "needs me" is told once: a task
 * already waiting when the page opened (its `baseline`) is not news, nor is the same state seen again
 * after an unrelated change; a task that was working and now waits, is. A task never seen before
 * counts as having needed nothing (it is new, or beyond the baseline's window).
 */
export class AttentionTracker {
  private readonly last = new Map<string, Attention | null>();

  baseline(tasks: Pick<Task, "id" | "status" | "current_state">[]) {
    for (const task of tasks) this.last.set(task.id, attentionOf(task));
  }

  /** The attention this task newly calls for, or null when it calls for nothing new. */
  observe(task: Pick<Task, "id" | "status" | "current_state">): Attention | null {
    const now = attentionOf(task);
    const before = this.last.get(task.id) ?? null;
    this.last.set(task.id, now);
    return now !== before ? now : null;
  }
}

/** The notification's words: the title names the task (display name, else its name), the body says why. */
export function describeAttention(task: Pick<Task, "name" | "display_name" | "current_state">, attention: Attention): { title: string; body: string } {
  const name = task.display_name || task.name;
  const message = task.current_state?.message.trim() ?? "";
  switch (attention) {
    case "idle":
      return { title: `${name} needs your input`, body: message || "The agent is waiting for your reply." };
    case "complete":
      return { title: `${name} is complete`, body: message || "The agent reports the task done." };
    case "failed":
      return { title: `${name} failed`, body: message || "Open the task to see what went wrong." };
  }
}
