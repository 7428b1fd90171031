import "server-only";
import { randomBytes, randomUUID } from "node:crypto";
import type { z } from "zod";
import { ApiError } from "../api/errors";
import { canReadAll, type Caller } from "../auth/roles";
import type { DbOrTx } from "../db/client";
import {
  deleteWebhookEndpoint,
  findWebhookEndpoint,
  insertTestDelivery,
  insertWebhookEndpoint,
  listWebhookDeliveries,
  listWebhookEndpoints,
  updateWebhookEndpoint,
} from "../db/queries/webhooks";
import type { WebhookDelivery, WebhookEndpoint } from "../db/schema";
import { env } from "../env";
import { open, seal } from "../git-credentials/secret-box";
import { isUuid } from "../validation/common";
import type { webhookDeliveryResponse, webhookResponse, webhookSecretResponse } from "../validation/responses";
import type { CreateWebhookRequest, UpdateWebhookRequest } from "../validation/webhooks";
import { RefusedAddressError, resolveAllowedAddress } from "./address-policy";
import { webhookSecretAad } from "./secret-aad";

/** How many deliveries the log shows, newest first. */
const DELIVERY_LOG_LENGTH = 100;


/** `whsec_` and base64 of 24 random bytes, as Standard Webhooks' libraries expect. */
const newSecret = () => `whsec_${randomBytes(24).toString("base64")}`;

export function openWebhookSecret(endpoint: Pick<WebhookEndpoint, "id" | "secretEncrypted">): string {
  return open(endpoint.secretEncrypted, webhookSecretAad(endpoint.id));
}

export function toWebhookResponse(row: WebhookEndpoint): z.output<typeof webhookResponse> {
  return {
    id: row.id,
    url: row.url,
    events: row.events,
    format: row.format,
    enabled: row.enabled,
    all_tasks: row.allTasks,
    disabled_reason: row.disabledReason,
    created_at: row.createdAt.toISOString(),
  };
}

export function toWebhookDeliveryResponse(row: WebhookDelivery): z.output<typeof webhookDeliveryResponse> {
  return {
    id: row.id,
    event: row.event,
    status: row.status,
    attempts: row.attempts,
    response_status: row.responseStatus,
    last_error: row.lastError,
    latency_ms: row.latencyMs,
    created_at: row.createdAt.toISOString(),
    delivered_at: row.deliveredAt?.toISOString() ?? null,
    next_attempt_at: row.status === "pending" ? row.nextAttemptAt.toISOString() : null,
  };
}

/** Webhooks act for the user they belong to (and carry their tasks' contents): only your own. */
export function assertOwnWebhooks(caller: Caller, user: { id: string }): void {
  if (user.id !== caller.id) throw ApiError.forbidden("You can only manage your own webhooks.");
}

/** A URL the server may not reach is a 400 on `url` now, not a failed delivery later (checked again at each delivery). */
async function assertReachableUrl(url: string): Promise<void> {
  try {
    await resolveAllowedAddress(new URL(url), env().TASKYARD_WEBHOOK_ALLOW_PRIVATE);
  } catch (error) {
    if (error instanceof RefusedAddressError) throw ApiError.invalidField("url", error.message, "Webhook URL refused.");
    // A name that does not resolve (yet) is the receiver's business: deliveries retry.
  }
}

export async function createWebhook(db: DbOrTx, caller: Caller, request: CreateWebhookRequest): Promise<z.output<typeof webhookSecretResponse>> {
  if (request.all_tasks && !canReadAll(caller)) throw ApiError.forbidden("Only the owner and admins may receive every task's events (all_tasks).");
  await assertReachableUrl(request.url);
  const id = randomUUID();
  const secret = newSecret();
  const row = await insertWebhookEndpoint(db, {
    id,
    userId: caller.id,
    url: request.url,
    events: request.events,
    format: request.format,
    allTasks: request.all_tasks,
    secretEncrypted: seal(secret, webhookSecretAad(id)),
  });
  return { ...toWebhookResponse(row), secret };
}

export async function listWebhooks(db: DbOrTx, userId: string) {
  return (await listWebhookEndpoints(db, userId)).map(toWebhookResponse);
}

async function findOrThrow(db: DbOrTx, userId: string, id: string): Promise<WebhookEndpoint> {
  const row = isUuid(id) ? await findWebhookEndpoint(db, userId, id) : undefined;
  if (!row) throw ApiError.notFound();
  return row;
}

export async function updateWebhook(db: DbOrTx, userId: string, id: string, request: UpdateWebhookRequest) {
  await findOrThrow(db, userId, id);
  if (request.url !== undefined) await assertReachableUrl(request.url);
  const row = await updateWebhookEndpoint(db, userId, id, {
    url: request.url,
    events: request.events,
    format: request.format,
    enabled: request.enabled,
    // Enabled again by hand: its failing streak starts over.
    ...(request.enabled === true ? { disabledReason: null, failingSince: null } : {}),
  });
  if (!row) throw ApiError.notFound();
  return toWebhookResponse(row);
}

export async function removeWebhook(db: DbOrTx, userId: string, id: string): Promise<void> {
  if (!isUuid(id) || !(await deleteWebhookEndpoint(db, userId, id))) throw ApiError.notFound();
}

/** A new secret, shown once; the old one stops signing at once. */
export async function rotateWebhookSecret(db: DbOrTx, userId: string, id: string) {
  await findOrThrow(db, userId, id);
  const secret = newSecret();
  const row = await updateWebhookEndpoint(db, userId, id, { secretEncrypted: seal(secret, webhookSecretAad(id)) });
  if (!row) throw ApiError.notFound();
  return { ...toWebhookResponse(row), secret };
}

export async function webhookDeliveryLog(db: DbOrTx, userId: string, id: string) {
  const endpoint = await findOrThrow(db, userId, id);
  return (await listWebhookDeliveries(db, endpoint.id, DELIVERY_LOG_LENGTH)).map(toWebhookDeliveryResponse);
}

/** Queues a `webhook.test` delivery; a disabled endpoint sends nothing until enabled. */
export async function sendTestWebhook(db: DbOrTx, userId: string, id: string): Promise<void> {
  const endpoint = await findOrThrow(db, userId, id);
  if (!endpoint.enabled) throw ApiError.conflict("This webhook is disabled; enable it to send a test.", endpoint.disabledReason ?? undefined);
  await insertTestDelivery(db, endpoint.id);
}
