import { bigserial, index, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { tasks } from "./tasks";
import { users } from "./users";
import type { TaskEventType } from "../../validation/task-events";

/**
 * What happened to which task, durably. Database triggers write it (drizzle/0017_task_events.sql)
 * in the very transaction of the change that caused each event: none is lost when a process dies
 * after the change, and none exists for a change that rolled back. Consumers fan out from here, in
 * the same transaction, to their own outboxes (webhook deliveries, issue comments); each insert
 * NOTIFYs `task_events` with the event's id.
 */
export const taskEvents = pgTable(
  "task_events",
  {
    /** Increasing in insert order: per task, the order its events happened and are delivered in. */
    id: bigserial({ mode: "number" }).primaryKey(),
    taskId: uuid()
      .notNull()
      .references(() => tasks.id, { onDelete: "cascade" }),
    ownerId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    type: text().$type<TaskEventType>().notNull(),
    occurredAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("task_events_task_idx").on(t.taskId, t.id), index("task_events_occurred_idx").on(t.occurredAt)],
);

export type TaskEvent = typeof taskEvents.$inferSelect;
