import { bigint, boolean, index, integer, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { workspaceBuilds, workspaces } from "./workspaces";

/** How a start build's setup script stands: running, or how it ended. */
export type SetupLogStatus = "running" | "succeeded" | "failed" | "timed_out";

/**
 * The output of a template's setup script, one row per start build that ran one
 * (lib/workspaces/setup-script.ts). Only the tail is kept (`SETUP_LOG_MAX_CHARS`), written as the
 * script runs, so the task page shows it live and it survives restarts, pauses and the build's end.
 */
export const setupLogs = pgTable(
  "setup_logs",
  {
    buildId: uuid()
      .primaryKey()
      .references(() => workspaceBuilds.id, { onDelete: "cascade" }),
    workspaceId: uuid()
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    status: text().$type<SetupLogStatus>().notNull().default("running"),
    exitCode: integer(),
    /** The last characters of stdout and stderr, interleaved as written, the template's secrets replaced. */
    output: text().notNull().default(""),
    /** Everything the script wrote, in bytes. */
    outputBytes: bigint({ mode: "number" }).notNull().default(0),
    /** Its start was cut off: the script wrote more than `output` keeps. */
    truncated: boolean().notNull().default(false),
    timeoutSeconds: integer().notNull(),
    startedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp({ withTimezone: true }),
  },
  (t) => [index("setup_logs_workspace_idx").on(t.workspaceId)],
);

export type SetupLog = typeof setupLogs.$inferSelect;
