import "server-only";
import type postgres from "postgres";
import type { DbOrTx } from "../db/client";
import { claimDueIssueComments, markIssueCommentDelivered, markIssueCommentFailed, selectCommentContext, type ClaimedComment } from "../db/queries/github-issues";
import { describeDatabaseError, isDatabaseUnreachable } from "../db/health";
import { credentialForHost, markGitCredentialUsed } from "../git-credentials/credentials";
import { forgeDeadline, forgeStatusOf, githubClient } from "../git-credentials/forge-clients";
import { logger } from "../logger";
import { taskPageUrlAt } from "../tasks/page-url";
import { issueCommentText } from "./comment-text";

/** How long a claimed comment is held by its dispatcher (longer than a forge call may take). */
const LEASE_SECONDS = 60;
/** Tries before a comment is given up: with the backoff below, about a day. */
export const MAX_COMMENT_ATTEMPTS = 32;
const BATCH = 10;

/** 5 s after the first failure, doubling, at most an hour apart. */
export function retryDelaySeconds(attempts: number): number {
  return Math.min(3600, 5 * 2 ** Math.max(0, attempts - 1));
}

/** GitHub answered, and asking again will not change its mind (a token without access, an issue gone, a locked issue). */
function isFinal(status: number | undefined, error: unknown): boolean {
  if (status === undefined || status >= 500 || status === 408 || status === 429) return false;
  // 403 is also GitHub's answer to a rate limit (primary or secondary): that one passes.
  const headers = (error as { response?: { headers?: Record<string, string> } }).response?.headers ?? {};
  if (status === 403 && (headers["retry-after"] !== undefined || headers["x-ratelimit-remaining"] === "0")) return false;
  return status >= 400;
}

/** Says what went wrong without the request (whose headers hold the token). */
function describe(error: unknown): string {
  const status = forgeStatusOf(error);
  const message = (error as { response?: { data?: { message?: unknown } } }).response?.data?.message;
  if (status !== undefined) return `GitHub answered ${status}${typeof message === "string" ? `: ${message.slice(0, 300)}` : ""}`;
  return error instanceof Error ? `GitHub could not be reached: ${error.message.slice(0, 300)}` : "GitHub could not be reached";
}

/** Posts one claimed comment with its task owner's own token; records the outcome. */
async function deliverComment(db: DbOrTx, claimed: ClaimedComment, baseUrl: string): Promise<void> {
  const context = await selectCommentContext(db, claimed.id);
  if (!context) return; // its issue link went with its provider or task
  const credential = await credentialForHost({ db, userId: context.owner_id, host: context.provider_host });
  if (!credential) {
    await markIssueCommentFailed(db, claimed.id, `${context.owner_name} has no git credential for ${context.provider_host} any more`, null);
    return;
  }
  const [owner, repo] = context.repository.split("/");
  const body = issueCommentText(claimed.kind, context, taskPageUrlAt(baseUrl, { owner_name: context.owner_name, name: context.task_name }));
  try {
    const octokit = githubClient({ apiUrl: context.provider_api_url, token: credential.token, deadline: forgeDeadline() });
    const { data } = await octokit.rest.issues.createComment({ owner, repo, issue_number: context.issue_number, body });
    await markIssueCommentDelivered(db, claimed.id, data.html_url);
    await markGitCredentialUsed(db, credential.id);
  } catch (error) {
    const status = forgeStatusOf(error);
    const final = isFinal(status, error) || claimed.attempts >= MAX_COMMENT_ATTEMPTS;
    const reason = describe(error);
    await markIssueCommentFailed(db, claimed.id, reason, final ? null : retryDelaySeconds(claimed.attempts));
    logger.warn({ comment: claimed.id, repository: context.repository, issue: context.issue_number, attempts: claimed.attempts, final, reason }, "an issue comment was not posted");
  }
}

/** One pass: every due comment, a batch at a time. */
export async function deliverDueIssueComments(db: DbOrTx, baseUrl: string, stopped: () => boolean = () => false): Promise<number> {
  let delivered = 0;
  while (!stopped()) {
    const batch = await claimDueIssueComments(db, BATCH, LEASE_SECONDS);
    if (batch.length === 0) break;
    await Promise.all(batch.map((claimed) => deliverComment(db, claimed, baseUrl)));
    delivered += batch.length;
  }
  return delivered;
}

/**
 * The dispatcher of issue comments, in the server process: woken by NOTIFY `github_issue_comments`
 * (a task created for an issue, a trigger on task_events) and, as a safety net for retries and a
 * lost notification, every `everyMs`. Several servers may run one each: SKIP LOCKED and the lease
 * give every comment to one of them.
 */
export function startIssueCommentDelivery(db: DbOrTx, sql: postgres.Sql, baseUrl: string, everyMs = 2000): { stop: () => Promise<void> } {
  let running: Promise<void> | undefined;
  let again = false;
  let stopped = false;
  let databaseLost = false;
  const pass = () => {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = deliverDueIssueComments(db, baseUrl, () => stopped)
      .then(() => {
        if (databaseLost) logger.info("the database is reachable again; posting issue comments");
        databaseLost = false;
      })
      .catch((err: unknown) => {
        if (!isDatabaseUnreachable(err)) return logger.warn(describeDatabaseError(err), "the issue comment pass failed");
        if (!databaseLost) logger.error(describeDatabaseError(err), "the database is unreachable; issue comments wait until it is back");
        databaseLost = true;
      })
      .finally(() => {
        running = undefined;
        if (again) {
          again = false;
          pass();
        }
      });
  };
  const listening = sql.listen("github_issue_comments", pass, pass).catch((err: unknown) => {
    logger.warn(describeDatabaseError(err), "cannot LISTEN for issue comments; they go out at the next sweep");
    return undefined;
  });
  const timer = setInterval(pass, everyMs);
  timer.unref();
  return {
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      await (await listening)?.unlisten().catch(() => {});
      await running;
    },
  };
}
