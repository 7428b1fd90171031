import "server-only";
import { sql } from "drizzle-orm";
import { ApiError } from "../api/errors";
import type { Db } from "../db/client";
import { provisionerRegistration } from "../validation/provisionerd";
import type { ProvisionerIdentity } from "./daemon-api";
import { registerProvisioner } from "./registry";

/**
 * A daemon's registration, if it is under this key, seen alive as of now: one statement, on every
 * provisioner API call (the call is the heartbeat).
 */
export async function provisionerOfKey(db: Db, provisionerId: string, keyId: string): Promise<ProvisionerIdentity | undefined> {
  const [row] = (await db.execute(sql`
    UPDATE provisioners SET last_seen_at = now() WHERE id = ${provisionerId} AND key_id = ${keyId}
    RETURNING id, key_id, host, tags`)) as unknown as { id: string; key_id: string; host: string; tags: Record<string, string> }[];
  return row && { provisionerId: row.id, keyId: row.key_id, host: row.host, tags: row.tags };
}

/**
 * A remote daemon says who it is. Its host name is its identity among hosts (its agents are found
 * by it, and a lost host is named by it), so one already used by another key's daemon or by a
 * server's built-in provisioner is refused: a key cannot take over another host's agents.
 */
export async function registerDaemon(db: Db, holder: { keyId: string }, body: unknown): Promise<{ id: string; tags: Record<string, string> }> {
  const parsed = provisionerRegistration.safeParse(body);
  if (!parsed.success) throw ApiError.badRequest("Invalid request.", parsed.error.issues.map((i) => ({ field: i.path.join(".") || "body", detail: i.message })));
  const { host, tags, version } = parsed.data;
  const taken = await db.execute(sql`SELECT 1 FROM provisioners WHERE host = ${host} AND key_id IS DISTINCT FROM ${holder.keyId}::uuid LIMIT 1`);
  if (taken.length > 0) throw ApiError.conflict(`The host name "${host}" is another provisioner's.`, "Start the daemon with --name <a name of its own>.");
  return registerProvisioner(db, { keyId: holder.keyId, host, tags, version });
}
