import "server-only";
import { eq, sql } from "drizzle-orm";
import type { DbOrTx } from "../client";
import { provisionerKeys, provisioners, type ProvisionerKey } from "../schema";

export async function insertProvisionerKey(db: DbOrTx, v: { id: string; name: string; tags: Record<string, string>; hashedSecret: string; createdBy: string }): Promise<ProvisionerKey> {
  const [row] = await db.insert(provisionerKeys).values(v).returning();
  return row;
}

export const listProvisionerKeys = (db: DbOrTx) => db.select().from(provisionerKeys).orderBy(provisionerKeys.createdAt);

/** False when there was no such key. Its daemons' rows go with it (ON DELETE CASCADE). */
export async function deleteProvisionerKey(db: DbOrTx, id: string): Promise<boolean> {
  const rows = await db.delete(provisionerKeys).where(eq(provisionerKeys.id, id)).returning({ id: provisionerKeys.id });
  return rows.length > 0;
}

export async function selectProvisionerKey(db: DbOrTx, id: string) {
  const [row] = await db
    .select({ id: provisionerKeys.id, name: provisionerKeys.name, tags: provisionerKeys.tags, hashedSecret: provisionerKeys.hashedSecret, lastUsedAt: provisionerKeys.lastUsedAt })
    .from(provisionerKeys)
    .where(eq(provisionerKeys.id, id));
  return row;
}

/** At most once a minute: a daemon calls every few seconds, and "last used" needs no finer grain. */
export async function markProvisionerKeyUsed(db: DbOrTx, id: string) {
  await db.execute(sql`UPDATE provisioner_keys SET last_used_at = now() WHERE id = ${id} AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`);
}

/** The daemon's row (one per key and host), created or taken back; its tags and version as it says now. */
export async function upsertProvisioner(db: DbOrTx, v: { keyId: string | null; host: string; tags: Record<string, string>; version: string }) {
  const [row] = await db
    .insert(provisioners)
    .values(v)
    .onConflictDoUpdate({ target: [provisioners.keyId, provisioners.host], set: { tags: v.tags, version: v.version, lastSeenAt: sql`now()` } })
    .returning({ id: provisioners.id, tags: provisioners.tags });
  return row;
}

/** False when the row is gone (its key was deleted). */
export async function touchProvisionerRow(db: DbOrTx, id: string): Promise<boolean> {
  const rows = await db.execute(sql`UPDATE provisioners SET last_seen_at = now() WHERE id = ${id} RETURNING id`);
  return (rows as unknown as unknown[]).length > 0;
}

export type ProvisionerListRow = {
  id: string;
  key_id: string | null;
  key_name: string | null;
  host: string;
  tags: Record<string, string>;
  version: string;
  created_at: Date;
  last_seen_at: Date;
  online: boolean;
  workspaces: number;
};

/**
 * Every registered provisioner with the number of workspaces running on its host, in one round
 * trip: a workspace runs on a host when its latest build is a start (running or succeeded) and that
 * build's newest agent, not off, is on the host. Counted once per host, then joined.
 */
export async function selectProvisioners(db: DbOrTx, staleMs: number): Promise<ProvisionerListRow[]> {
  const rows = await db.execute(sql`
    WITH running AS (
      SELECT ag.host, count(*)::int AS n
      FROM workspaces w
      JOIN LATERAL (SELECT b.id, b.transition, b.job_status FROM workspace_builds b WHERE b.workspace_id = w.id ORDER BY b.build_number DESC LIMIT 1) lb ON true
      JOIN LATERAL (SELECT a.host, a.lifecycle_state FROM workspace_agents a WHERE a.build_id = lb.id ORDER BY a.created_at DESC LIMIT 1) ag ON true
      WHERE w.deleted_at IS NULL AND lb.transition = 'start' AND lb.job_status IN ('running', 'succeeded') AND ag.lifecycle_state <> 'off'
      GROUP BY ag.host)
    SELECT p.id, p.key_id, k.name AS key_name, p.host, p.tags, p.version, p.created_at, p.last_seen_at,
           p.last_seen_at >= now() - ${staleMs} * interval '1 millisecond' AS online, coalesce(r.n, 0) AS workspaces
    FROM provisioners p
    LEFT JOIN provisioner_keys k ON k.id = p.key_id
    LEFT JOIN running r ON r.host = p.host
    ORDER BY p.last_seen_at DESC, p.host`);
  return rows as unknown as ProvisionerListRow[];
}

/**
 * The waiting sweep, one statement: a start build pending for longer than `afterMs` with no live
 * provisioner whose tags include its template's required ones gets those tags as `waiting_for`;
 * one that now has such a provisioner loses it. Rows already right are not written (no NOTIFY, no
 * cache turnover). Rows not seen for `pruneAfterMs` are forgotten.
 */
export async function sweepWaitingBuilds(db: DbOrTx, o: { afterMs: number; staleMs: number; pruneAfterMs: number }): Promise<number> {
  const rows = await db.execute(sql`
    WITH pruned AS (DELETE FROM provisioners WHERE last_seen_at < now() - ${o.pruneAfterMs} * interval '1 millisecond'),
    candidates AS (
      SELECT c.id, c.waiting_for,
        CASE WHEN c.created_at >= now() - ${o.afterMs} * interval '1 millisecond' OR EXISTS (
               SELECT 1 FROM provisioners p
               WHERE p.last_seen_at >= now() - ${o.staleMs} * interval '1 millisecond'
                 AND p.tags @> coalesce(tv.config->'provisioner_tags', '{}'::jsonb))
             THEN NULL ELSE coalesce(tv.config->'provisioner_tags', '{}'::jsonb) END AS wanted
      FROM workspace_builds c
      JOIN template_versions tv ON tv.id = c.template_version_id
      WHERE c.job_status = 'pending' AND c.transition = 'start')
    UPDATE workspace_builds b SET waiting_for = x.wanted
    FROM candidates x
    WHERE b.id = x.id AND b.job_status = 'pending' AND b.waiting_for IS DISTINCT FROM x.wanted
    RETURNING b.id`);
  return (rows as unknown as unknown[]).length;
}
