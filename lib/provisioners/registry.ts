import "server-only";
import type { z } from "zod";
import { ApiError } from "../api/errors";
import type { DbOrTx } from "../db/client";
import { env } from "../env";
import { selectProvisionerKey, selectProvisioners, touchProvisionerRow, upsertProvisioner, type ProvisionerListRow } from "../db/queries/provisioners";
import { renderTags, type ProvisionerTags } from "../validation/provisioners";
import type { provisionerResponse } from "../validation/responses";

/**
 * A provisioner not seen for this long is offline: builds routed to its host go to any other
 * matching one, it no longer keeps a task from saying it waits, and its agents, if they do not
 * answer either, are retired as lost (lib/provisioners/host-loss.ts). One setting for all three:
 * `TASKYARD_HOST_LOST_AFTER_MS` (30 s, three leases: a daemon that misses a heartbeat or two under
 * load is not declared gone).
 */
export const provisionerStaleMs = () => env().TASKYARD_HOST_LOST_AFTER_MS;

/**
 * The tags a daemon gets. A key that pins tags decides them: the daemon has exactly the key's, and
 * asking for any other (a tag the key lacks, or another value) is refused rather than silently
 * dropped, so a misconfigured host is noticed at its start. A key without tags, and the built-in
 * provisioner, take the tags asked for.
 */
export function effectiveTags(pinned: ProvisionerTags, requested: ProvisionerTags): ProvisionerTags {
  if (Object.keys(pinned).length === 0) return requested;
  const conflicting = Object.entries(requested).filter(([k, v]) => pinned[k] !== v);
  if (conflicting.length > 0) {
    throw new ApiError(403, `This provisioner key pins its tags (${renderTags(pinned)}); the daemon asked for ${renderTags(Object.fromEntries(conflicting))}.`, {
      detail: "Start the daemon without --tag (it gets the key's tags), or use a key made for these tags.",
    });
  }
  return pinned;
}

/**
 * Registers a provisioner (a restarted daemon on the same host, with the same key, takes its row
 * back) and answers its row id and effective tags. `keyId` null is the built-in provisioner. A key
 * deleted meanwhile is a 401.
 */
export async function registerProvisioner(
  db: DbOrTx,
  input: { keyId: string | null; host: string; tags: ProvisionerTags; version: string },
): Promise<{ id: string; tags: ProvisionerTags }> {
  let pinned: ProvisionerTags = {};
  if (input.keyId) {
    const key = await selectProvisionerKey(db, input.keyId);
    if (!key) throw ApiError.unauthorized("This provisioner key has been revoked.");
    pinned = key.tags;
  }
  const tags = effectiveTags(pinned, input.tags);
  return upsertProvisioner(db, { keyId: input.keyId, host: input.host, tags, version: input.version });
}

/** The heartbeat: last_seen_at = now(). False when the row is gone (its key was revoked). */
export const touchProvisioner = (db: DbOrTx, id: string) => touchProvisionerRow(db, id);

export function toProvisionerResponse(row: ProvisionerListRow): z.output<typeof provisionerResponse> {
  return {
    id: row.id,
    host: row.host,
    tags: row.tags,
    version: row.version,
    workspaces: row.workspaces,
    last_seen_at: new Date(row.last_seen_at).toISOString(),
    online: row.online,
    key_name: row.key_name,
    created_at: new Date(row.created_at).toISOString(),
  };
}

export async function listProvisioners(db: DbOrTx) {
  return (await selectProvisioners(db, provisionerStaleMs())).map(toProvisionerResponse);
}
