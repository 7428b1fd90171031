import { sql } from "drizzle-orm";
import { bigint, bigserial, boolean, index, integer, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { taskEvents } from "./task-events";
import { users } from "./users";
import type { TaskEventType } from "../../validation/task-events";

export type WebhookFormat = "json" | "slack";
export type WebhookEvent = TaskEventType | "webhook.test";
export type WebhookDeliveryStatus = "pending" | "delivered" | "failed";

/**
 * A user's outbound webhook endpoint. Its signing secret is sealed like git tokens
 * (lib/git-credentials/secret-box.ts, bound to the endpoint's id). The lease columns let exactly
 * one dispatcher at a time deliver to it (lib/webhooks/dispatcher.ts): in order, and a crashed
 * dispatcher's lease simply runs out.
 */
export const webhookEndpoints = pgTable(
  "webhook_endpoints",
  {
    id: uuid().primaryKey().defaultRandom(),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    url: text().notNull(),
    events: text().array().$type<TaskEventType[]>().notNull(),
    format: text().$type<WebhookFormat>().notNull().default("json"),
    /** Every task's events, not only the user's own: owner and admins only (checked again by the fan-out trigger). */
    allTasks: boolean().notNull().default(false),
    secretEncrypted: text().notNull(),
    enabled: boolean().notNull().default(true),
    /** Why it was disabled by the dispatcher (failing for a day); null when enabled or disabled by hand. */
    disabledReason: text(),
    /** The first failed attempt since the last delivered one. */
    failingSince: timestamp({ withTimezone: true }),
    leaseOwner: text(),
    leaseExpiresAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("webhook_endpoints_user_idx").on(t.userId, t.createdAt)],
);

/**
 * The outbox: one row per endpoint and event, written by a trigger on `task_events` in the
 * transaction of the change (drizzle/0018_webhooks.sql). Its id is the Standard Webhooks
 * `webhook-id`, the same on every retry, and so is its body, rendered at the first attempt.
 */
export const webhookDeliveries = pgTable(
  "webhook_deliveries",
  {
    id: uuid().primaryKey().defaultRandom(),
    /** Insert order: the order an endpoint's deliveries go out in. */
    seq: bigserial({ mode: "number" }).notNull(),
    endpointId: uuid()
      .notNull()
      .references(() => webhookEndpoints.id, { onDelete: "cascade" }),
    /** Null for a test delivery (and once its event is pruned). */
    taskEventId: bigint({ mode: "number" }).references(() => taskEvents.id, { onDelete: "set null" }),
    event: text().$type<WebhookEvent>().notNull(),
    taskId: uuid(),
    /** When it happened: the body's `timestamp`. */
    occurredAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    body: text(),
    status: text().$type<WebhookDeliveryStatus>().notNull().default("pending"),
    attempts: integer().notNull().default(0),
    nextAttemptAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    responseStatus: integer(),
    lastError: text(),
    latencyMs: integer(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    deliveredAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    // The dispatcher's question: each endpoint's oldest pending delivery (its head).
    index("webhook_deliveries_pending_idx").on(t.endpointId, t.seq).where(sql`${t.status} = 'pending'`),
    // The delivery log, newest first.
    index("webhook_deliveries_endpoint_idx").on(t.endpointId, t.createdAt),
  ],
);

export type WebhookEndpoint = typeof webhookEndpoints.$inferSelect;
export type WebhookDelivery = typeof webhookDeliveries.$inferSelect;
