import "server-only";
import { randomBytes, randomUUID } from "node:crypto";
import type { z } from "zod";
import { ApiError } from "../api/errors";
import { isUniqueViolation } from "../auth/users";
import { secretMatches, sha256 } from "../auth/tokens";
import type { Db, DbOrTx } from "../db/client";
import { deleteProvisionerKey, insertProvisionerKey, listProvisionerKeys, markProvisionerKeyUsed, selectProvisionerKey } from "../db/queries/provisioners";
import type { ProvisionerKey } from "../db/schema";
import { isUuid } from "../validation/common";
import { retireAgentsOfKey } from "./host-loss";
import type { CreateProvisionerKeyRequest } from "../validation/provisioners";
import type { provisionerKeyResponse } from "../validation/responses";

/**
 * `typk_<key id, 32 hex>_<secret, 64 hex>`: the prefix tells it apart from a user's token
 * (`<id>-<secret>`) at a glance, in a log or a secret scanner; the id finds the row, and only
 * sha256 of the secret is stored (compared in constant time).
 */
const KEY_PATTERN = /^typk_([0-9a-f]{32})_([0-9a-f]{64})$/;

function formatKey(id: string, secret: string) {
  return `typk_${id.replaceAll("-", "")}_${secret}`;
}

function parseKey(key: string): { id: string; secret: string } | null {
  const match = KEY_PATTERN.exec(key.trim());
  if (!match) return null;
  const hex = match[1];
  return { id: `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`, secret: match[2] };
}

export function toProvisionerKeyResponse(key: ProvisionerKey): z.output<typeof provisionerKeyResponse> {
  return {
    id: key.id,
    name: key.name,
    tags: key.tags,
    created_by: key.createdBy,
    created_at: key.createdAt.toISOString(),
    last_used_at: key.lastUsedAt?.toISOString() ?? null,
  };
}

/** A new key; `key` is answered this once and never stored. A name already in use is a 409. */
export async function createProvisionerKey(db: DbOrTx, createdBy: string, request: CreateProvisionerKeyRequest) {
  const id = randomUUID();
  const secret = randomBytes(32).toString("hex");
  const row = await insertProvisionerKey(db, { id, name: request.name, tags: request.tags ?? {}, hashedSecret: sha256(secret), createdBy }).catch((e) => {
    if (isUniqueViolation(e)) throw ApiError.conflict(`A provisioner key named "${request.name}" already exists.`);
    throw e;
  });
  return { id: row.id, name: row.name, tags: row.tags, key: formatKey(row.id, secret) };
}

export const listKeys = (db: DbOrTx) => listProvisionerKeys(db);

/**
 * Revokes at once: the next call with it fails, its daemons' rows are gone, and the agents on their
 * hosts are retired as lost (lib/provisioners/host-loss.ts) — one transaction.
 */
export async function removeProvisionerKey(db: Db, id: string): Promise<void> {
  if (!isUuid(id)) throw ApiError.notFound();
  const removed = await db.transaction(async (tx) => {
    await retireAgentsOfKey(tx, id);
    return deleteProvisionerKey(tx, id);
  });
  if (!removed) throw ApiError.notFound();
}

/**
 * The key a daemon presents, or null: malformed, unknown, deleted (revocation takes effect on the
 * very next call, nothing is cached) or a wrong secret. One round trip; "last used" is written at
 * most once a minute.
 */
export async function authenticateProvisionerKey(db: DbOrTx, presentedKey: string): Promise<{ keyId: string; name: string; tags: Record<string, string> } | null> {
  const parsed = parseKey(presentedKey);
  if (!parsed) return null;
  const row = await selectProvisionerKey(db, parsed.id);
  if (!row || !secretMatches(parsed.secret, row.hashedSecret)) return null;
  if (!row.lastUsedAt || Date.now() - row.lastUsedAt.getTime() > 60_000) await markProvisionerKeyUsed(db, row.id);
  return { keyId: row.id, name: row.name, tags: row.tags };
}
