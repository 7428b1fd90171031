import type { WebhookEvent, WebhookFormat } from "../db/schema";
import type { TaskResponse } from "../tasks/serialize";
import { taskPageUrlAt } from "../tasks/page-url";

/**
 * What an endpoint receives, rendered once per delivery (a retry re-sends the same bytes): the
 * JSON body `{type, timestamp, data: <Task>}` (the API's task object), or for `format: "slack"` a
 * Slack/Mattermost message `{"text": …}` saying what happened, with a link to the task's page.
 */

const HAPPENED: Record<WebhookEvent, string> = {
  "task.created": "was created",
  "task.working": "is working",
  "task.idle": "is waiting for input",
  "task.complete": "is complete",
  "task.failed": "failed",
  "task.paused": "was paused",
  "task.resumed": "was resumed",
  "task.error": "hit an error",
  "task.deleted": "was deleted",
  "task.pull_request": "opened a pull request",
  "webhook.test": "",
};

/** Slack reads `<…>` as links and mentions (`<!channel>`): a task's own words are escaped, as Slack asks. */
const slackText = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

export type RenderInput = {
  format: WebhookFormat;
  event: WebhookEvent;
  occurredAt: Date;
  /** Null for a test delivery (or a task that no longer exists at all). */
  task: TaskResponse | null;
  /** Where the dashboard is: TASKYARD_ACCESS_URL, else the local listener. */
  baseUrl: string;
};

export function renderWebhookBody({ format, event, occurredAt, task, baseUrl }: RenderInput): string {
  if (format === "slack") return JSON.stringify({ text: slackMessage(event, task, baseUrl) });
  const data = event === "webhook.test" ? { message: "A test delivery from Taskyard." } : task;
  return JSON.stringify({ type: event, timestamp: occurredAt.toISOString(), data });
}

function slackMessage(event: WebhookEvent, task: TaskResponse | null, baseUrl: string): string {
  if (event === "webhook.test" || !task) return event === "webhook.test" ? "A test delivery from Taskyard: this endpoint receives its messages." : `A task ${HAPPENED[event]}.`;
  const name = slackText(task.display_name || task.name);
  const what = event === "task.idle" && task.current_state?.message ? `${HAPPENED[event]}: ${slackText(task.current_state.message)}` : HAPPENED[event];
  const pullRequest = event === "task.pull_request" && task.pull_request ? ` ${task.pull_request.url}` : "";
  const link = event === "task.deleted" ? "" : `\n${taskPageUrlAt(baseUrl, task)}`;
  return `Task “${name}” (${slackText(task.owner_name)}) ${what}.${pullRequest}${link}`;
}
