import "server-only";
import { sql } from "drizzle-orm";
import { BoundedCache } from "../bounded-cache";
import type { Db } from "./client";

/**
 * Answers that depend only on what the database holds, kept for exactly as long as it holds the same.
 *
 * `pg_current_snapshot()` names what a statement sees: which transactions had completed when it
 * began and which were still running. Two statements under the same snapshot see the same rows, and
 * the snapshot changes the moment any transaction completes (it never comes back once it has moved
 * on). So an answer made after reading snapshot S is still the right answer whenever S is read again:
 * nothing is ever stale, nothing needs invalidating, and a write is visible to the next read however
 * it was made (the API, the provisioner, psql). A hit costs one tiny statement instead of the query.
 *
 * An answer made from more than one statement is kept under the first one's snapshot, and may
 * include a write that completed after it. That is safe: the first snapshot was then no longer
 * current, and it never will be again, so the entry is never served.
 */
type State = { snapshot: string; answers: BoundedCache<string> };

// One per web process (the route bundles may each load this module; they share the cache).
const globalForCache = globalThis as unknown as { taskyardSnapshotCache?: State };
const state = (globalForCache.taskyardSnapshotCache ??= {
  snapshot: "",
  // Answers are JSON text: their length bounds the memory they hold (a UTF-16 unit is ≤ 2 bytes).
  answers: new BoundedCache<string>({ maxEntries: 64, maxSize: 8 * 1024 * 1024, sizeOf: (answer) => answer.length }),
});

/**
 * What `pg_current_snapshot()` says now: select it beside a query to learn what that query saw. With
 * the server's start time: after a crash PostgreSQL may hand out again a transaction id that was
 * never written down, and so repeat a snapshot's text (a restore or a failover restarts it as well).
 * It assumes one primary: a standby's snapshots do not list the transactions running on it.
 */
export const CURRENT_SNAPSHOT = sql`pg_current_snapshot()::text || '@' || pg_postmaster_start_time()::text`;

/**
 * `produce()`'s answer for `key`, made again only when the database has changed since it was made.
 * `produce` reports the snapshot its query read (select `CURRENT_SNAPSHOT` beside it), or none when
 * it read nothing (an empty page): such an answer is not kept. A key not held at all costs no more
 * than `produce`; a key held costs one tiny statement, and `produce` as well when it is out of date.
 */
export async function snapshotCached(db: Db, key: string, produce: () => Promise<{ answer: string; snapshot?: string }>): Promise<string> {
  // Inside a transaction the snapshot would include its own uncommitted writes, under a text others share.
  if ("rollback" in db) throw new Error("snapshotCached reads through the pool, never inside a transaction");
  if (state.answers.has(key)) {
    const [{ snapshot }] = await db.execute<{ snapshot: string }>(sql`SELECT ${CURRENT_SNAPSHOT} AS snapshot`);
    const hit = snapshot === state.snapshot ? state.answers.get(key) : undefined;
    if (hit !== undefined) return hit;
  }
  const { answer, snapshot } = await produce();
  if (snapshot) {
    // Every answer belongs to one snapshot: another one means the database changed, and they are all dead.
    if (snapshot !== state.snapshot) {
      state.snapshot = snapshot;
      state.answers.clear();
    }
    state.answers.set(key, answer);
  }
  return answer;
}
