import { sql } from "drizzle-orm";
import { bigint, index, integer, jsonb, numeric, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import type { ToolCall } from "../../agents/agentapi-client";
import type { Changes } from "../../git";
import { organizations } from "./organizations";
import { templateVersionPresets, templateVersions } from "./templates";
import { users } from "./users";
import { workspaces } from "./workspaces";

export type TaskPullRequest = { provider: "github" | "gitlab"; url: string; number: number; state: "open" | "merged" | "closed"; draft: boolean };

export const tasks = pgTable(
  "tasks",
  {
    id: uuid().primaryKey().defaultRandom(),
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id),
    ownerId: uuid()
      .notNull()
      .references(() => users.id),
    name: text().notNull(),
    displayName: text().notNull(),
    prompt: text().notNull(),
    templateVersionId: uuid()
      .notNull()
      .references(() => templateVersions.id),
    templateVersionPresetId: uuid().references(() => templateVersionPresets.id),
    workspaceId: uuid().references(() => workspaces.id),
    /** Parameters given at create (e.g. repo_url, base_ref); they override the preset's of the same name. */
    parameters: jsonb().$type<{ name: string; value: string }[]>().notNull().default([]),
    /** Model usage over the task's life: totals of its agents' per-turn reports (see taskUsageTurns). */
    inputTokens: bigint({ mode: "number" }).notNull().default(0),
    outputTokens: bigint({ mode: "number" }).notNull().default(0),
    cacheReadInputTokens: bigint({ mode: "number" }).notNull().default(0),
    cacheCreationInputTokens: bigint({ mode: "number" }).notNull().default(0),
    costUsd: numeric({ precision: 14, scale: 6 }).notNull().default("0"),
    /** The budget limit that made the model gateway refuse the task's last call (lib/gateway/budgets.ts); null while none does. */
    stoppedBy: text(),
    /** The commit last pushed to the task's branch on its remote: the lease of the next push (it may overwrite only what Taskyard pushed). */
    pushedCommit: text(),
    pushedAt: timestamp({ withTimezone: true }),
    /** The pull (merge) request opened for the task's branch, as the forge last described it. */
    pullRequest: jsonb().$type<TaskPullRequest>(),
    pullRequestCheckedAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    deletedAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    uniqueIndex("tasks_owner_name_idx")
      .on(t.ownerId, sql`lower(${t.name})`)
      .where(sql`${t.deletedAt} IS NULL`),
    // The list's order (newest first, id breaking ties), read backwards: a page is the first rows of
    // the index, for everyone (admins) or for one owner (members), with no sort of the rest.
    index("tasks_created_idx").on(t.createdAt, t.id).where(sql`${t.deletedAt} IS NULL`),
    index("tasks_owner_created_idx").on(t.ownerId, t.createdAt, t.id).where(sql`${t.deletedAt} IS NULL`),
    index("tasks_workspace_idx").on(t.workspaceId),
  ],
);

export type SnapshotMessage = { id: number; content: string; role: "user" | "agent"; time: string };

/** The task's conversation as last seen: one row per task, replaced on every write. */
export const taskSnapshots = pgTable("task_snapshots", {
  taskId: uuid()
    .primaryKey()
    .references(() => tasks.id, { onDelete: "cascade" }),
  messages: jsonb().$type<SnapshotMessage[]>().notNull(),
  capturedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});

/** The task's repository changes as last seen (taken at pause), for a paused task's Changes. */
export const taskChangeSnapshots = pgTable("task_change_snapshots", {
  taskId: uuid()
    .primaryKey()
    .references(() => tasks.id, { onDelete: "cascade" }),
  changes: jsonb().$type<Changes>().notNull(),
  /** The summary the task list shows, kept beside the snapshot so the list never reads a diff. */
  fileCount: integer().notNull().default(0),
  additions: integer().notNull().default(0),
  deletions: integer().notNull().default(0),
  capturedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});

/**
 * The tool calls behind one agent message's tool lines, as its agent uploads them after each turn:
 * what a paused task's conversation (its snapshot) opens to. The running agent is read directly.
 */
export const taskToolCalls = pgTable(
  "task_tool_calls",
  {
    taskId: uuid()
      .notNull()
      .references(() => tasks.id, { onDelete: "cascade" }),
    /** The message's id in the agent's conversation (the log entry's id). */
    messageId: integer().notNull(),
    calls: jsonb().$type<ToolCall[]>().notNull(),
    capturedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.taskId, t.messageId] })],
);

/** One agent turn's usage report; its key makes a repeated report count once. */
/**
 * Every model call the gateway forwarded for a task, metered as it streamed: the call's usage as
 * `message_start` and `message_delta` said it (and its cost from lib/gateway/prices.ts), written as
 * each arrived, so a call cut short still counts what it used. The task's usage totals are the sum.
 */
export const modelCalls = pgTable(
  "model_calls",
  {
    id: uuid().primaryKey().defaultRandom(),
    taskId: uuid()
      .notNull()
      .references(() => tasks.id, { onDelete: "cascade" }),
    agentId: uuid().notNull(),
    /** The server's turn it belongs to (`workspace_agents.turn_id`); null for calls before turns were counted. */
    turnId: text(),
    model: text().notNull(),
    inputTokens: bigint({ mode: "number" }).notNull().default(0),
    outputTokens: bigint({ mode: "number" }).notNull().default(0),
    cacheReadInputTokens: bigint({ mode: "number" }).notNull().default(0),
    cacheCreationInputTokens: bigint({ mode: "number" }).notNull().default(0),
    costUsd: numeric({ precision: 14, scale: 6 }).notNull().default("0"),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("model_calls_task_idx").on(t.taskId, t.createdAt)],
);

export const taskUsageTurns = pgTable(
  "task_usage_turns",
  {
    taskId: uuid()
      .notNull()
      .references(() => tasks.id, { onDelete: "cascade" }),
    turnId: text().notNull(),
    inputTokens: bigint({ mode: "number" }).notNull(),
    outputTokens: bigint({ mode: "number" }).notNull(),
    cacheReadInputTokens: bigint({ mode: "number" }).notNull(),
    cacheCreationInputTokens: bigint({ mode: "number" }).notNull(),
    costUsd: numeric({ precision: 14, scale: 6 }).notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.taskId, t.turnId] })],
);

export type Task = typeof tasks.$inferSelect;

/**
 * Follow-ups sent while the agent works: delivered in order, one at a time, whenever the agent is
 * waiting for input (lib/tasks/input-queue.ts). `delivering` is committed before the agent is asked,
 * with the conversation's length then (`message_index`): a server that died mid-delivery is
 * settled from the agent's conversation, so an input is never lost nor delivered twice.
 */
export const taskInputs = pgTable(
  "task_inputs",
  {
    id: uuid().primaryKey().defaultRandom(),
    taskId: uuid()
      .notNull()
      .references(() => tasks.id, { onDelete: "cascade" }),
    input: text().notNull(),
    state: text({ enum: ["queued", "delivering", "delivered"] }).notNull().default("queued"),
    messageIndex: integer(),
    claimedAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    deliveredAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    index("task_inputs_task_idx").on(t.taskId, t.createdAt, t.id),
    // What the delivery sweep reads: only inputs still on their way.
    index("task_inputs_pending_idx").on(t.taskId).where(sql`${t.state} <> 'delivered'`),
    // At most one input per task is with its agent: a second concurrent claim fails.
    uniqueIndex("task_inputs_one_delivering_idx").on(t.taskId).where(sql`${t.state} = 'delivering'`),
  ],
);
export type TaskInputRow = typeof taskInputs.$inferSelect;
