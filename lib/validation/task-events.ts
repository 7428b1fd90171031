/** What can happen to a task that someone outside may want to hear of (webhooks, issue comments); written by drizzle/0017_task_events.sql. */
export const TASK_EVENT_TYPES = [
  "task.created",
  "task.working",
  "task.idle",
  "task.complete",
  "task.failed",
  "task.paused",
  "task.resumed",
  "task.error",
  "task.deleted",
  "task.pull_request",
] as const;

export type TaskEventType = (typeof TASK_EVENT_TYPES)[number];
