import type { TaskStatus } from "../validation/tasks";

/**
 * What may change on a task, by its status: one rule for the routes and the dashboard's buttons.
 * Pure (no database, no server-only): the task page imports it too.
 */
type Editable = { status: TaskStatus; has_started: boolean };

/**
 * A task whose first start failed (a repository that would not clone, a bad ref) or was stopped
 * before it succeeded: no agent ever had its prompt, so the prompt and the repository can be
 * corrected and the task retried.
 */
export function isBeforeFirstStart(task: Editable): boolean {
  return (task.status === "error" || task.status === "paused") && !task.has_started;
}

/** No agent holds the prompt yet (pending, or a failed first start) or any more (paused). */
export function canEditPrompt(task: Editable): boolean {
  return task.status === "pending" || task.status === "paused" || isBeforeFirstStart(task);
}

/** The repository is cloned at the first successful start only: it can change until then. */
export function canEditRepository(task: Editable): boolean {
  return isBeforeFirstStart(task);
}
