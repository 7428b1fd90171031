import type { Task, TaskStatus } from "@/lib/sdk/client";
import { canEditPrompt as promptEditable, canEditRepository as repositoryEditable } from "@/lib/tasks/edit-rules";

export const STATUS_LABELS: Record<TaskStatus, string> = {
  pending: "Pending",
  initializing: "Initializing",
  active: "Active",
  paused: "Paused",
  unknown: "Unknown",
  error: "Error",
};

/** What a build in flight makes of a task the API calls `unknown` (Coder's status while a stop or delete runs). */
const IN_FLIGHT_LABELS: Record<string, string> = { stopping: "Pausing", deleting: "Deleting", canceling: "Canceling" };

/** The badge's word: the API's status, except that a task being paused or deleted says so. */
export function statusLabel(task: Pick<Task, "status" | "workspace_status">): string {
  return (task.status === "unknown" && IN_FLIGHT_LABELS[task.workspace_status ?? ""]) || STATUS_LABELS[task.status];
}

/** Workspace states with a build in flight: no new pause or resume until it settles. */
const BUILD_IN_FLIGHT = new Set(["pending", "starting", "stopping", "deleting", "canceling"]);

/** The server accepts a pause only while the workspace's latest start build has succeeded. */
export function canPause(task: Task): boolean {
  return task.workspace_status === "running" && task.status !== "paused";
}

export function canResume(task: Task): boolean {
  if (task.status === "paused" || task.status === "error") return !BUILD_IN_FLIGHT.has(task.workspace_status ?? "");
  // A task whose host was lost: its agent retired while its start stands (the server's rule, lib/tasks/transitions.ts).
  return task.status === "unknown" && task.workspace_agent_lifecycle === "off" && task.current_state?.state === "failed" && !BUILD_IN_FLIGHT.has(task.workspace_status ?? "");
}

/** No agent holds the prompt yet (pending, a failed first start) or any more (paused): the server's rule. */
export function canEditPrompt(task: Task): boolean {
  return promptEditable(task);
}

/** A task whose first start failed: its repository (and prompt) can be corrected, then retried. */
export function canEditRepository(task: Task): boolean {
  return repositoryEditable(task);
}

/** "is active", "has failed", … for sentences about a task's current status. */
export function statusPhrase(status: TaskStatus): string {
  return status === "error" ? "has failed" : status === "unknown" ? "is in an unknown state" : `is ${status}`;
}

export function promptLockedReason(task: Task): string {
  if (task.status === "active" || task.status === "initializing") return "The agent already has this prompt. Pause the task to edit it.";
  if (task.status === "error") return "The agent already had this prompt before the task failed. A prompt can be edited while the task is pending or paused, or after a first start that failed.";
  return `The prompt can only be edited while the task is pending or paused; this one ${statusPhrase(task.status)}.`;
}

/** The agent is in the middle of a turn: Stop interrupts it, and a pause would cut it short (so the server wants `force`). */
export function isAgentWorking(task: Task): boolean {
  return task.status === "active" && task.current_state?.state === "working";
}

export function isWaitingForInput(task: Task): boolean {
  return task.status === "active" && task.current_state?.state === "idle";
}

export function taskHref(task: Pick<Task, "owner_name" | "name">): string {
  return `/tasks/${encodeURIComponent(task.owner_name)}/${encodeURIComponent(task.name)}`;
}

/** Only web links become clickable; anything else an agent reports stays text. */
export function safeLink(uri: string): string | undefined {
  try {
    const url = new URL(uri);
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : undefined;
  } catch {
    return undefined;
  }
}
