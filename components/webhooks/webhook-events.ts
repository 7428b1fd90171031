import { TASK_EVENT_TYPES, type TaskEventType } from "@/lib/validation/task-events";

/** What a new endpoint hears unless the user picks otherwise: the moments a task needs its owner. */
export const DEFAULT_WEBHOOK_EVENTS: TaskEventType[] = ["task.idle", "task.complete", "task.failed", "task.error"];

const DESCRIPTIONS: Record<TaskEventType, string> = {
  "task.created": "created",
  "task.working": "agent working",
  "task.idle": "waiting for input",
  "task.complete": "agent done",
  "task.failed": "agent failed",
  "task.paused": "paused",
  "task.resumed": "resumed",
  "task.error": "build or agent error",
  "task.deleted": "deleted",
  "task.pull_request": "pull request opened",
};

/** Every event an endpoint may subscribe to, in the API's order, with a few words each. */
export const WEBHOOK_EVENT_CHOICES = TASK_EVENT_TYPES.map((type) => ({ type, description: DESCRIPTIONS[type] }));
