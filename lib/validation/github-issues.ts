import { z } from "zod";

/**
 * The parts of GitHub's webhook payloads Taskyard reads (GitHub's full shapes are in
 * `@octokit/openapi-webhooks`: `webhook-issues-labeled`, `webhook-issue-comment-created`); the
 * rest of a payload is left alone.
 */
const account = z.object({ login: z.string().min(1).max(100) });
const repository = z.object({
  full_name: z.string().regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, "must be owner/name"),
  clone_url: z.string().max(2048),
  html_url: z.string().max(2048),
});
const issue = z.object({
  number: z.number().int().positive().max(2 ** 31 - 1),
  title: z.string(),
  body: z.string().nullable().optional(),
  html_url: z.string().max(2048),
  /** Present when the "issue" is a pull request (its comments come as `issue_comment` too). */
  pull_request: z.unknown().optional(),
});

export const githubIssuesEvent = z.object({
  action: z.string(),
  issue,
  label: z.object({ name: z.string() }).optional(),
  repository,
  sender: account,
});

export const githubIssueCommentEvent = z.object({
  action: z.string(),
  issue,
  comment: z.object({ body: z.string() }),
  repository,
  sender: account,
});

export type GitHubIssuesEvent = z.infer<typeof githubIssuesEvent>;
export type GitHubIssueCommentEvent = z.infer<typeof githubIssueCommentEvent>;

/** What `POST /api/v2/integrations/github/events` answers a signed delivery (GitHub shows it in the hook's delivery log). */
export const githubDeliveryResponse = z.object({
  outcome: z.enum(["created", "ignored", "duplicate", "pong"]),
  /** Why nothing was done (ignored, duplicate). */
  reason: z.string().optional(),
  task_id: z.uuid().optional(),
  task_name: z.string().optional(),
});
export type GitHubDeliveryResponse = z.infer<typeof githubDeliveryResponse>;
