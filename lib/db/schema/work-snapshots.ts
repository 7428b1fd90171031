import { customType, integer, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { tasks } from "./tasks";

const bytea = customType<{ data: Buffer; driverData: Buffer }>({ dataType: () => "bytea" });

/**
 * A task's work as its agent left it at the end of its last turn (README "What survives a lost
 * host"): the agent's own conversation state, the coding agent's session files from the workspace,
 * a git bundle of the task's branch and the uncommitted diff. One row per task, replaced each turn;
 * a start on a host without the workspace rebuilds it from this row.
 */
export const workSnapshots = pgTable("work_snapshots", {
  taskId: uuid()
    .primaryKey()
    .references(() => tasks.id, { onDelete: "cascade" }),
  /** User messages the conversation held (turns taken) when it was taken. */
  turn: integer().notNull(),
  brain: text().notNull(),
  /** The coding agent's own session (Claude Code's, an ACP agent's), resumed after a restore; null for a brain without one. */
  sessionId: text(),
  /** The agent's state dir files (conversation, prompt, status, session id), gzipped JSON `{path: base64}`. */
  agentState: bytea().notNull(),
  /** The coding agent's session files in the workspace (Claude Code's `.claude/projects`), a tar.gz; null without any. */
  brainFiles: bytea(),
  branch: text(),
  baseCommit: text(),
  headCommit: text(),
  /** `git bundle` of the branch (since the base commit, or all of it for a repository Taskyard made); null with nothing to bundle. */
  bundle: bytea(),
  /** `git diff --binary` of the working tree (untracked files included) against the branch; null when clean or dropped. */
  diff: bytea(),
  /** Why a part is missing: over TASKYARD_WORK_SNAPSHOT_MAX_BYTES, or could not be read. */
  dropped: text(),
  totalBytes: integer().notNull(),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});
