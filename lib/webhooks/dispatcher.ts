import "server-only";
import { randomBytes } from "node:crypto";
import os from "node:os";
import type postgres from "postgres";
import { Webhook } from "standardwebhooks";
import type { DbOrTx } from "../db/client";
import { describeDatabaseError, isDatabaseUnreachable } from "../db/health";
import { selectTasks } from "../db/queries/tasks";
import {
  claimDueEndpoints,
  disableFailingEndpoint,
  nextDueAt,
  pruneWebhookDeliveries,
  recordAttempt,
  releaseEndpointLease,
  renewEndpointLease,
  selectEndpoint,
  selectHeadDelivery,
  storeDeliveryBody,
  WEBHOOK_DELIVERIES_CHANNEL,
  type AttemptRecord,
} from "../db/queries/webhooks";
import type { WebhookDelivery, WebhookEndpoint } from "../db/schema";
import { env } from "../env";
import { logger } from "../logger";
import { toTaskResponse } from "../tasks/serialize";
import { localServerUrl } from "../workspaces/start-provisioner";
import { openWebhookSecret } from "./endpoints";
import { renderWebhookBody } from "./render";
import { DISABLE_AFTER_FAILING_MS, retryDelayMs } from "./retry-schedule";
import { DELIVERY_TIMEOUT_MS, postWebhook } from "./send";

/**
 * Delivers the outbox (`webhook_deliveries`) from the launcher's process (lib/server/launcher.ts),
 * which has the database; provisioners may run on hosts without it. Woken by the fan-out's NOTIFY
 * and by a timer set to the next retry that falls due, with a sweep as the safety net.
 *
 * One endpoint is delivered to by one dispatcher at a time, holding a lease on its row (claimed
 * with SKIP LOCKED, renewed before each attempt): its deliveries go strictly in order, the oldest
 * pending one blocking the rest until it is delivered or has finally failed. A dispatcher that
 * dies holds its lease until it runs out; then another takes over and sends again what may
 * already have arrived (at least once: receivers deduplicate by `webhook-id`).
 */

/** A lease outlasts one attempt's timeout with room to record it. */
const LEASE_MS = DELIVERY_TIMEOUT_MS + 5_000;
/** Endpoints delivered to at once by one process. */
const CONCURRENCY = 8;
/** Deliveries sent to one endpoint per claim before others get a turn. */
const PER_CLAIM = 50;
/** Finished deliveries are kept this long for the log, then pruned. */
const RETENTION_DAYS = 30;
const PRUNE_EVERY_MS = 3_600_000;

export type WebhookDispatcher = { stop: () => Promise<void>; wake: () => void };

export function startWebhookDispatcher(options: { db: DbOrTx; sql: postgres.Sql; sweepMs?: number }): WebhookDispatcher {
  const { db } = options;
  const sweepMs = options.sweepMs ?? 5000;
  const { TASKYARD_WEBHOOK_ALLOW_PRIVATE: allowPrivate, TASKYARD_WEBHOOK_RETRY_SCALE: scale } = env();
  const owner = `${os.hostname()}:${process.pid}:${randomBytes(4).toString("hex")}`;
  const baseUrl = localServerUrl();
  const active = new Map<string, Promise<void>>();
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let passing: Promise<void> | undefined;
  let again = false;
  let databaseLost = false;
  let lastPrune = 0;

  const schedule = (ms: number) => {
    if (stopped) return;
    clearTimeout(timer);
    timer = setTimeout(wake, Math.max(0, Math.min(ms, sweepMs)));
    timer.unref();
  };

  async function pass(): Promise<void> {
    if (Date.now() - lastPrune > PRUNE_EVERY_MS) {
      lastPrune = Date.now();
      const pruned = await pruneWebhookDeliveries(db, RETENTION_DAYS);
      if (pruned) logger.info({ pruned }, "pruned old webhook deliveries");
    }
    const room = CONCURRENCY - active.size;
    if (room > 0) {
      for (const endpoint of await claimDueEndpoints(db, owner, LEASE_MS, room)) {
        const run = drainEndpoint(endpoint)
          .catch((err: unknown) => logger.warn({ err, endpoint: endpoint.id }, "webhook delivery stopped; the endpoint is tried again later"))
          .finally(() => {
            active.delete(endpoint.id);
            wake();
          });
        active.set(endpoint.id, run);
      }
    }
    const due = await nextDueAt(db);
    schedule(due ? due.getTime() - Date.now() : sweepMs);
  }

  function wake(): void {
    if (stopped) return;
    if (passing) {
      again = true;
      return;
    }
    passing = pass()
      .then(() => {
        if (databaseLost) logger.info("the database is reachable again; delivering webhooks");
        databaseLost = false;
      })
      .catch((err: unknown) => {
        if (!isDatabaseUnreachable(err)) return logger.warn({ err }, "the webhook dispatcher's pass failed");
        if (!databaseLost) logger.error(describeDatabaseError(err), "the database is unreachable; webhooks wait until it is back");
        databaseLost = true;
        schedule(sweepMs);
      })
      .finally(() => {
        passing = undefined;
        if (again) {
          again = false;
          wake();
        }
      });
  }

  /** Sends the endpoint's due deliveries in order while its lease is ours. */
  async function drainEndpoint(claimed: WebhookEndpoint): Promise<void> {
    let keepLease = false;
    try {
      for (let sent = 0; sent < PER_CLAIM && !stopped; sent++) {
        const endpoint = await selectEndpoint(db, claimed.id);
        if (!endpoint?.enabled) return;
        const head = await selectHeadDelivery(db, endpoint.id);
        if (!head || head.nextAttemptAt.getTime() > Date.now()) return;
        if (!(await renewEndpointLease(db, endpoint.id, owner, LEASE_MS))) {
          keepLease = true; // it is someone else's now
          return;
        }
        await attempt(endpoint, head);
      }
    } finally {
      if (!keepLease) await releaseEndpointLease(db, claimed.id, owner);
    }
  }

  async function bodyOf(endpoint: WebhookEndpoint, delivery: WebhookDelivery): Promise<string> {
    if (delivery.body !== null) return delivery.body;
    const [task] = delivery.taskId ? await selectTasks(db, { id: delivery.taskId, includeDeleted: true }) : [];
    const body = renderWebhookBody({ format: endpoint.format, event: delivery.event, occurredAt: delivery.occurredAt, task: task ? toTaskResponse(task) : null, baseUrl });
    await storeDeliveryBody(db, delivery.id, body);
    return body;
  }

  async function attempt(endpoint: WebhookEndpoint, delivery: WebhookDelivery): Promise<void> {
    const body = await bodyOf(endpoint, delivery);
    const now = new Date();
    const signature = new Webhook(openWebhookSecret(endpoint)).sign(delivery.id, now, body);
    const headers = { "webhook-id": delivery.id, "webhook-timestamp": String(Math.floor(now.getTime() / 1000)), "webhook-signature": signature };
    const outcome = await postWebhook(endpoint.url, body, headers, { allowPrivate });
    const attempts = delivery.attempts + 1;
    let record: AttemptRecord;
    if (outcome.kind === "delivered") {
      record = { status: "delivered", responseStatus: outcome.status, lastError: null, latencyMs: outcome.latencyMs };
    } else if (outcome.kind === "retry") {
      const retryInMs = retryDelayMs(attempts, scale, outcome.retryAfterMs);
      record = retryInMs === null
        ? { status: "failed", responseStatus: outcome.status, lastError: `${outcome.error} (gave up after ${attempts} attempts)`, latencyMs: outcome.latencyMs }
        : { status: "pending", responseStatus: outcome.status, lastError: outcome.error, latencyMs: outcome.latencyMs, retryInMs };
    } else {
      record = { status: "failed", responseStatus: outcome.status, lastError: outcome.error, latencyMs: outcome.latencyMs };
    }
    const { failingSince } = await recordAttempt(db, { id: delivery.id, endpointId: endpoint.id }, record);
    logger.debug({ endpoint: endpoint.id, delivery: delivery.id, event: delivery.event, status: record.status, attempts, error: record.lastError }, "webhook attempt");
    if (failingSince && Date.now() - failingSince.getTime() >= DISABLE_AFTER_FAILING_MS * scale) {
      const reason = `failing since ${failingSince.toISOString()}: ${record.lastError}`;
      await disableFailingEndpoint(db, endpoint.id, reason);
      logger.warn({ endpoint: endpoint.id, url: endpoint.url, reason }, "disabled a webhook endpoint that kept failing");
    }
  }

  let unlisten: (() => Promise<void>) | undefined;
  options.sql
    .listen(WEBHOOK_DELIVERIES_CHANNEL, () => wake(), () => wake())
    .then((listener) => {
      if (stopped) return void listener.unlisten();
      unlisten = () => listener.unlisten();
    })
    .catch((err: unknown) => logger.warn({ err: err instanceof Error ? err.message : String(err) }, "cannot listen for webhook deliveries; the sweep delivers them"));
  wake();

  return {
    wake,
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await unlisten?.().catch(() => {});
      await passing;
      await Promise.all(active.values());
    },
  };
}
