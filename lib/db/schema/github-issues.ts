import { sql } from "drizzle-orm";
import { bigint, bigserial, index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { gitProviders } from "./git-credentials";
import { tasks } from "./tasks";

/**
 * A GitHub issue and the task a delivery made for it (lib/github-issues/inbound.ts). Written in the
 * task's own transaction, with the delivery (`X-GitHub-Delivery`) that made it: a replayed delivery
 * meets its id here and creates nothing. While the task lives (`released_at` null) the issue has
 * no other: a task's deletion releases it (drizzle/0020_github_issues.sql), and the next label or
 * command on the issue makes a new one.
 */
export const githubIssueTasks = pgTable(
  "github_issue_tasks",
  {
    id: uuid().primaryKey().defaultRandom(),
    providerId: uuid()
      .notNull()
      .references(() => gitProviders.id, { onDelete: "cascade" }),
    /** `owner/name`, as GitHub spells it (compared case-insensitively, as GitHub does). */
    repository: text().notNull(),
    issueNumber: integer().notNull(),
    taskId: uuid()
      .notNull()
      .references(() => tasks.id, { onDelete: "cascade" }),
    deliveryId: text().notNull(),
    /** Who asked, as GitHub named them (the linked account's login). */
    senderLogin: text().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    releasedAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    uniqueIndex("github_issue_tasks_delivery_idx").on(t.deliveryId),
    uniqueIndex("github_issue_tasks_task_idx").on(t.taskId),
    uniqueIndex("github_issue_tasks_live_issue_idx")
      .on(t.providerId, sql`lower(${t.repository})`, t.issueNumber)
      .where(sql`${t.releasedAt} IS NULL`),
  ],
);

export const GITHUB_ISSUE_COMMENT_KINDS = ["task_created", "pull_request", "failed"] as const;
export type GitHubIssueCommentKind = (typeof GITHUB_ISSUE_COMMENT_KINDS)[number];

/**
 * The outbox of comments on linked issues: the first written with the task, the others by a
 * trigger on `task_events` in the transaction of the event. A dispatcher in the server process
 * (lib/github-issues/comment-dispatcher.ts) claims them with SKIP LOCKED, in order per issue, and
 * retries with backoff; the text is written at delivery, from the task as it is then.
 */
export const githubIssueComments = pgTable(
  "github_issue_comments",
  {
    id: bigserial({ mode: "number" }).primaryKey(),
    issueTaskId: uuid()
      .notNull()
      .references(() => githubIssueTasks.id, { onDelete: "cascade" }),
    kind: text().$type<GitHubIssueCommentKind>().notNull(),
    /** The task event that caused it (none for the first). */
    taskEventId: bigint({ mode: "number" }),
    status: text().$type<"pending" | "delivered" | "failed">().notNull().default("pending"),
    attempts: integer().notNull().default(0),
    /** When it may be tried (again); while one dispatcher holds it, the end of its lease. */
    nextAttemptAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    lastError: text(),
    /** The comment on GitHub, once posted. */
    commentUrl: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    deliveredAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    index("github_issue_comments_pending_idx").on(t.nextAttemptAt, t.id).where(sql`${t.status} = 'pending'`),
    index("github_issue_comments_issue_idx").on(t.issueTaskId, t.id),
    // One failure comment per issue task: a task that errors again after a resume says nothing new.
    uniqueIndex("github_issue_comments_one_failure_idx").on(t.issueTaskId).where(sql`${t.kind} = 'failed'`),
  ],
);

export type GitHubIssueTask = typeof githubIssueTasks.$inferSelect;
export type GitHubIssueComment = typeof githubIssueComments.$inferSelect;
