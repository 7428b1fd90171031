import "server-only";
import { inArray, sql } from "drizzle-orm";
import type { DbOrTx } from "../client";
import { streamSlots } from "../schema";

/** Serialises one user's stream places across every web server: the count is checked and the place taken as one step. */
const STREAM_SLOTS_LOCK = 7_310_003;

/**
 * Takes one of the user's places if fewer than `max` are live, in one statement under the user's
 * lock (the caller's transaction holds it); expired places (a server that died holding them) are
 * dropped on the way. Returns the place's id, or nothing when the user has `max` already.
 */
export async function takeStreamSlot(tx: DbOrTx, p: { userId: string; max: number; ttlMs: number }): Promise<string | undefined> {
  await tx.execute(sql`SELECT pg_advisory_xact_lock(${STREAM_SLOTS_LOCK}, hashtext(${p.userId}))`);
  const rows = await tx.execute<{ id: string }>(sql`
    WITH expired AS (DELETE FROM stream_slots WHERE user_id = ${p.userId} AND expires_at < now()),
         live AS (SELECT count(*) AS n FROM stream_slots WHERE user_id = ${p.userId} AND expires_at >= now())
    INSERT INTO stream_slots (user_id, expires_at)
    SELECT ${p.userId}, now() + ${p.ttlMs} * interval '1 millisecond' FROM live WHERE live.n < ${p.max}
    RETURNING id`);
  return rows[0]?.id;
}

/** The places this server still holds live for another `ttlMs`. */
export async function renewStreamSlots(db: DbOrTx, ids: string[], ttlMs: number) {
  if (ids.length === 0) return;
  await db
    .update(streamSlots)
    .set({ expiresAt: sql`now() + ${ttlMs} * interval '1 millisecond'` })
    .where(inArray(streamSlots.id, ids));
}

export async function deleteStreamSlot(db: DbOrTx, id: string) {
  await db.delete(streamSlots).where(sql`${streamSlots.id} = ${id}`);
}

export async function countLiveStreamSlots(db: DbOrTx, userId: string): Promise<number> {
  const [row] = await db.execute<{ n: number }>(sql`SELECT count(*)::int AS n FROM stream_slots WHERE user_id = ${userId} AND expires_at >= now()`);
  return row.n;
}
