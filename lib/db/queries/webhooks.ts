import "server-only";
import { and, desc, eq, inArray, sql } from "drizzle-orm";
import type { DbOrTx } from "../client";
import { webhookDeliveries, webhookEndpoints, type WebhookDelivery, type WebhookEndpoint } from "../schema";

/** The channel the fan-out trigger (drizzle/0018_webhooks.sql) and a test delivery notify. */
export const WEBHOOK_DELIVERIES_CHANNEL = "webhook_deliveries";

// Endpoints: every query carries the user's id, so another user's endpoint is simply not found.

export async function insertWebhookEndpoint(db: DbOrTx, values: typeof webhookEndpoints.$inferInsert): Promise<WebhookEndpoint> {
  const [row] = await db.insert(webhookEndpoints).values(values).returning();
  return row;
}

export async function listWebhookEndpoints(db: DbOrTx, userId: string): Promise<WebhookEndpoint[]> {
  return db.select().from(webhookEndpoints).where(eq(webhookEndpoints.userId, userId)).orderBy(webhookEndpoints.createdAt, webhookEndpoints.id);
}

export async function findWebhookEndpoint(db: DbOrTx, userId: string, id: string): Promise<WebhookEndpoint | undefined> {
  const [row] = await db.select().from(webhookEndpoints).where(and(eq(webhookEndpoints.userId, userId), eq(webhookEndpoints.id, id)));
  return row;
}

export async function updateWebhookEndpoint(
  db: DbOrTx,
  userId: string,
  id: string,
  patch: Partial<Pick<WebhookEndpoint, "url" | "events" | "format" | "enabled" | "disabledReason" | "failingSince" | "secretEncrypted">>,
): Promise<WebhookEndpoint | undefined> {
  const [row] = await db.update(webhookEndpoints).set(patch).where(and(eq(webhookEndpoints.userId, userId), eq(webhookEndpoints.id, id))).returning();
  return row;
}

export async function deleteWebhookEndpoint(db: DbOrTx, userId: string, id: string): Promise<boolean> {
  const rows = await db.delete(webhookEndpoints).where(and(eq(webhookEndpoints.userId, userId), eq(webhookEndpoints.id, id))).returning({ id: webhookEndpoints.id });
  return rows.length > 0;
}

/** Every sealed secret, for re-encryption under a new key (lib/git-credentials/rotate.ts). */
export async function allSealedWebhookSecrets(db: DbOrTx) {
  return db.select({ id: webhookEndpoints.id, sealed: webhookEndpoints.secretEncrypted }).from(webhookEndpoints);
}

export async function replaceSealedWebhookEndpointSecret(db: DbOrTx, id: string, sealed: string) {
  await db.update(webhookEndpoints).set({ secretEncrypted: sealed }).where(eq(webhookEndpoints.id, id));
}

// Deliveries

/** A `webhook.test` delivery, through the same outbox as any other; the dispatcher is woken at commit. */
export async function insertTestDelivery(db: DbOrTx, endpointId: string): Promise<void> {
  await db.execute(sql`
    WITH queued AS (INSERT INTO webhook_deliveries (endpoint_id, event) VALUES (${endpointId}, 'webhook.test') RETURNING id)
    SELECT pg_notify(${WEBHOOK_DELIVERIES_CHANNEL}, '') FROM queued`);
}

export async function listWebhookDeliveries(db: DbOrTx, endpointId: string, limit: number): Promise<WebhookDelivery[]> {
  return db
    .select()
    .from(webhookDeliveries)
    .where(eq(webhookDeliveries.endpointId, endpointId))
    .orderBy(desc(webhookDeliveries.seq))
    .limit(limit);
}

// The dispatcher's (lib/webhooks/dispatcher.ts)

/**
 * Leases up to `limit` enabled endpoints whose head (oldest pending) delivery is due and that no
 * live lease holds. SKIP LOCKED: dispatchers claiming at once take different endpoints.
 */
export async function claimDueEndpoints(db: DbOrTx, owner: string, leaseMs: number, limit: number): Promise<WebhookEndpoint[]> {
  const rows = await db.execute(sql`
    UPDATE webhook_endpoints e SET lease_owner = ${owner}, lease_expires_at = now() + ${leaseMs}::float8 * interval '1 millisecond'
    WHERE e.id IN (
      SELECT c.id FROM webhook_endpoints c
      CROSS JOIN LATERAL (
        SELECT d.next_attempt_at FROM webhook_deliveries d
        WHERE d.endpoint_id = c.id AND d.status = 'pending' ORDER BY d.seq LIMIT 1) head
      WHERE c.enabled AND head.next_attempt_at <= now() AND (c.lease_expires_at IS NULL OR c.lease_expires_at < now())
      ORDER BY head.next_attempt_at
      LIMIT ${limit}
      FOR UPDATE OF c SKIP LOCKED)
    RETURNING e.id`);
  const ids = (rows as unknown as { id: string }[]).map((r) => r.id);
  if (ids.length === 0) return [];
  return db.select().from(webhookEndpoints).where(inArray(webhookEndpoints.id, ids));
}

/** Extends a lease still held by `owner`; false when it is no longer ours (it ran out and another took it). */
export async function renewEndpointLease(db: DbOrTx, endpointId: string, owner: string, leaseMs: number): Promise<boolean> {
  const rows = await db.execute(sql`
    UPDATE webhook_endpoints SET lease_expires_at = now() + ${leaseMs}::float8 * interval '1 millisecond'
    WHERE id = ${endpointId} AND lease_owner = ${owner} RETURNING id`);
  return (rows as unknown as unknown[]).length > 0;
}

export async function releaseEndpointLease(db: DbOrTx, endpointId: string, owner: string): Promise<void> {
  await db.execute(sql`UPDATE webhook_endpoints SET lease_owner = NULL, lease_expires_at = NULL WHERE id = ${endpointId} AND lease_owner = ${owner}`);
}

/** The endpoint as it is now (a user may have changed or disabled it meanwhile). */
export async function selectEndpoint(db: DbOrTx, endpointId: string): Promise<WebhookEndpoint | undefined> {
  const [row] = await db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, endpointId));
  return row;
}

/** The endpoint's oldest pending delivery: the one that goes next, and that every later one waits for. */
export async function selectHeadDelivery(db: DbOrTx, endpointId: string): Promise<WebhookDelivery | undefined> {
  const [row] = await db
    .select()
    .from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.endpointId, endpointId), eq(webhookDeliveries.status, "pending")))
    .orderBy(webhookDeliveries.seq)
    .limit(1);
  return row;
}

/** The body, once: a retry re-sends exactly what the first attempt sent. */
export async function storeDeliveryBody(db: DbOrTx, id: string, body: string): Promise<void> {
  await db.update(webhookDeliveries).set({ body }).where(and(eq(webhookDeliveries.id, id), sql`${webhookDeliveries.body} IS NULL`));
}

export type AttemptRecord = {
  status: "pending" | "delivered" | "failed";
  responseStatus: number | null;
  lastError: string | null;
  latencyMs: number;
  /** For a pending one: in how many ms the next attempt is due. */
  retryInMs?: number;
};

/** One attempt's result on the delivery, and the endpoint's failing streak started or ended. */
export async function recordAttempt(db: DbOrTx, delivery: { id: string; endpointId: string }, attempt: AttemptRecord): Promise<{ failingSince: Date | null }> {
  const [row] = (await db.execute(sql`
    WITH d AS (
      UPDATE webhook_deliveries SET
        status = ${attempt.status}::text,
        attempts = attempts + 1,
        response_status = ${attempt.responseStatus}::int,
        last_error = ${attempt.lastError}::text,
        latency_ms = ${attempt.latencyMs}::int,
        delivered_at = CASE WHEN ${attempt.status}::text = 'delivered' THEN now() END,
        next_attempt_at = CASE WHEN ${attempt.status}::text = 'pending' THEN now() + ${attempt.retryInMs ?? 0}::float8 * interval '1 millisecond' ELSE next_attempt_at END
      WHERE id = ${delivery.id} RETURNING id)
    UPDATE webhook_endpoints SET failing_since = CASE WHEN ${attempt.status}::text = 'delivered' THEN NULL ELSE coalesce(failing_since, now()) END
    WHERE id = ${delivery.endpointId} AND EXISTS (SELECT 1 FROM d)
    RETURNING failing_since`)) as unknown as { failing_since: Date | string | null }[];
  return { failingSince: row?.failing_since ? new Date(row.failing_since) : null };
}

/** An endpoint failing for too long: disabled with the reason its owner sees, and its queue failed with it. */
export async function disableFailingEndpoint(db: DbOrTx, endpointId: string, reason: string): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.update(webhookEndpoints).set({ enabled: false, disabledReason: reason }).where(eq(webhookEndpoints.id, endpointId));
    await tx
      .update(webhookDeliveries)
      .set({ status: "failed", lastError: sql`coalesce(${webhookDeliveries.lastError} || '; ', '') || ${`endpoint disabled: ${reason}`}` })
      .where(and(eq(webhookDeliveries.endpointId, endpointId), eq(webhookDeliveries.status, "pending")));
  });
}

/** When the next head delivery of an enabled endpoint is due (to sleep until then); null when none waits. */
export async function nextDueAt(db: DbOrTx): Promise<Date | null> {
  const [row] = (await db.execute(sql`
    SELECT min(greatest(head.next_attempt_at, coalesce(e.lease_expires_at, head.next_attempt_at))) AS due FROM webhook_endpoints e
    CROSS JOIN LATERAL (
      SELECT d.next_attempt_at FROM webhook_deliveries d
      WHERE d.endpoint_id = e.id AND d.status = 'pending' ORDER BY d.seq LIMIT 1) head
    WHERE e.enabled`)) as unknown as { due: Date | string | null }[];
  return row?.due ? new Date(row.due) : null;
}

/** Forgets finished deliveries older than `days`. */
export async function pruneWebhookDeliveries(db: DbOrTx, days: number): Promise<number> {
  const rows = await db.execute(sql`
    DELETE FROM webhook_deliveries WHERE status <> 'pending' AND created_at < now() - ${days}::float8 * interval '1 day' RETURNING id`);
  return (rows as unknown as unknown[]).length;
}
