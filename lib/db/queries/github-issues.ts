import "server-only";
import { and, eq, isNull, sql } from "drizzle-orm";
import type { DbOrTx } from "../client";
import { gitCredentials, gitProviders, githubIssueComments, githubIssueTasks, users, type GitHubIssueCommentKind } from "../schema";

/** GitHub providers that take inbound deliveries: those with a webhook secret. */
export async function listGitHubProvidersWithSecret(db: DbOrTx) {
  return db
    .select()
    .from(gitProviders)
    .where(and(eq(gitProviders.kind, "github"), sql`${gitProviders.webhookSecretEncrypted} IS NOT NULL`));
}

/** The Taskyard accounts (active ones) whose saved credential for the provider is GitHub's `login`. */
export async function findLinkedUsers(db: DbOrTx, providerId: string, login: string) {
  return db
    .select({ userId: users.id, username: users.username })
    .from(gitCredentials)
    .innerJoin(users, eq(users.id, gitCredentials.userId))
    .where(and(eq(gitCredentials.providerId, providerId), sql`lower(${gitCredentials.login}) = lower(${login})`, eq(users.status, "active")));
}

export async function findIssueTaskByDelivery(db: DbOrTx, deliveryId: string) {
  const [row] = await db.select().from(githubIssueTasks).where(eq(githubIssueTasks.deliveryId, deliveryId));
  return row;
}

/** The issue's task while it lives (none once it was deleted). */
export async function findLiveIssueTask(db: DbOrTx, issue: { providerId: string; repository: string; issueNumber: number }) {
  const [row] = await db
    .select()
    .from(githubIssueTasks)
    .where(
      and(
        eq(githubIssueTasks.providerId, issue.providerId),
        sql`lower(${githubIssueTasks.repository}) = lower(${issue.repository})`,
        eq(githubIssueTasks.issueNumber, issue.issueNumber),
        isNull(githubIssueTasks.releasedAt),
      ),
    );
  return row;
}

/**
 * The link, unless the delivery was seen before or the issue has a live task already (either
 * unique index): then undefined, and nothing was written. Waits for a concurrent insert of the
 * same key to commit or roll back, so two deliveries racing for one issue make one link.
 */
export async function insertIssueTask(
  db: DbOrTx,
  values: { providerId: string; repository: string; issueNumber: number; taskId: string; deliveryId: string; senderLogin: string },
) {
  const [row] = await db.insert(githubIssueTasks).values(values).onConflictDoNothing().returning();
  return row;
}

/** Queues a comment and wakes the dispatchers (at commit). */
export async function insertIssueComment(db: DbOrTx, values: { issueTaskId: string; kind: GitHubIssueCommentKind; taskEventId?: number }) {
  const [row] = await db.insert(githubIssueComments).values(values).returning();
  await db.execute(sql`SELECT pg_notify('github_issue_comments', '')`);
  return row;
}

export type ClaimedComment = { id: number; issue_task_id: string; kind: GitHubIssueCommentKind; attempts: number };

/**
 * Claims up to `limit` comments due now, the oldest pending one of each issue only (so an issue
 * hears of its task in order), and holds each for `leaseSeconds`: another dispatcher skips them
 * meanwhile, and one that died holding them lets them go when the lease ends.
 */
export async function claimDueIssueComments(db: DbOrTx, limit: number, leaseSeconds: number): Promise<ClaimedComment[]> {
  return (await db.execute(sql`
    UPDATE github_issue_comments c
    SET attempts = c.attempts + 1, next_attempt_at = now() + make_interval(secs => ${leaseSeconds})
    WHERE c.id IN (
      SELECT p.id FROM github_issue_comments p
      WHERE p.status = 'pending' AND p.next_attempt_at <= now()
        AND NOT EXISTS (
          SELECT 1 FROM github_issue_comments e WHERE e.issue_task_id = p.issue_task_id AND e.status = 'pending' AND e.id < p.id)
      ORDER BY p.next_attempt_at, p.id
      LIMIT ${limit}
      FOR UPDATE SKIP LOCKED)
    RETURNING c.id, c.issue_task_id, c.kind, c.attempts`)) as unknown as ClaimedComment[];
}

export type CommentContext = {
  repository: string;
  issue_number: number;
  task_id: string;
  task_name: string;
  display_name: string;
  owner_id: string;
  owner_name: string;
  pull_request_url: string | null;
  event_type: string | null;
  state_message: string | null;
  provider_host: string;
  provider_api_url: string;
};

/** What a comment says and where it goes: its issue, its task as it is now, its provider. */
export async function selectCommentContext(db: DbOrTx, commentId: number): Promise<CommentContext | undefined> {
  const [row] = (await db.execute(sql`
    SELECT l.repository, l.issue_number, t.id AS task_id, t.name AS task_name, t.display_name, t.owner_id, u.username AS owner_name,
      t.pull_request->>'url' AS pull_request_url, e.type AS event_type,
      (SELECT s.message FROM workspace_app_statuses s WHERE s.workspace_id = t.workspace_id ORDER BY s.created_at DESC LIMIT 1) AS state_message,
      p.host AS provider_host, p.api_url AS provider_api_url
    FROM github_issue_comments c
    JOIN github_issue_tasks l ON l.id = c.issue_task_id
    JOIN tasks t ON t.id = l.task_id
    JOIN users u ON u.id = t.owner_id
    JOIN git_providers p ON p.id = l.provider_id
    LEFT JOIN task_events e ON e.id = c.task_event_id
    WHERE c.id = ${commentId}`)) as unknown as CommentContext[];
  return row;
}

export async function markIssueCommentDelivered(db: DbOrTx, id: number, commentUrl: string) {
  await db.update(githubIssueComments).set({ status: "delivered", deliveredAt: new Date(), commentUrl, lastError: null }).where(eq(githubIssueComments.id, id));
}

/** Tried again after `retryInSeconds`, or given up (`failed`) when that is null. */
export async function markIssueCommentFailed(db: DbOrTx, id: number, error: string, retryInSeconds: number | null) {
  await db
    .update(githubIssueComments)
    .set(
      retryInSeconds === null
        ? { status: "failed", lastError: error }
        : { lastError: error, nextAttemptAt: sql`now() + make_interval(secs => ${retryInSeconds})` },
    )
    .where(eq(githubIssueComments.id, id));
}
