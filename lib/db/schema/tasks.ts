import { sql } from "drizzle-orm";
import { index, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { organizations } from "./organizations";
import { templateVersionPresets, templateVersions } from "./templates";
import { users } from "./users";
import { workspaces } from "./workspaces";

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
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    deletedAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    uniqueIndex("tasks_owner_name_idx")
      .on(t.ownerId, sql`lower(${t.name})`)
      .where(sql`${t.deletedAt} IS NULL`),
    index("tasks_created_idx").on(t.createdAt).where(sql`${t.deletedAt} IS NULL`),
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

export type Task = typeof tasks.$inferSelect;
