import type { CommentContext } from "../db/queries/github-issues";
import type { GitHubIssueCommentKind } from "../db/schema";

/** A display name inside a Markdown link's text: no brackets to end it early, no newlines. */
const linkText = (s: string) => s.replaceAll(/[[\]\r\n]/g, " ").trim() || "task";

/** A quoted line of the agent's own words: one line, at most 300 characters, no Markdown that could ping or link. */
function quoted(message: string): string {
  const line = message.replace(/\s+/g, " ").trim().slice(0, 300);
  return line ? `\n\n> ${line.replaceAll("@", "@\u200b")}` : "";
}

/**
 * What Taskyard says on an issue. Never starts with `/taskyard` (its own comment must not ask for
 * another task), names the task by a link to its page.
 */
export function issueCommentText(kind: GitHubIssueCommentKind, context: CommentContext, taskUrl: string): string {
  const task = `[${linkText(context.display_name)}](${taskUrl})`;
  if (kind === "task_created") return `Taskyard started a task for this issue: ${task} (as ${context.owner_name}).`;
  if (kind === "pull_request") return context.pull_request_url ? `The Taskyard task ${task} opened a pull request: ${context.pull_request_url}` : `The Taskyard task ${task} opened a pull request.`;
  const how = context.event_type === "task.failed" ? "reports that it failed" : "stopped with an error";
  return `The Taskyard task ${task} ${how}.${quoted(context.state_message ?? "")}`;
}
