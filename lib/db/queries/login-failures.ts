import "server-only";
import { and, eq, lt, or, sql } from "drizzle-orm";
import type { DbOrTx } from "../client";
import { loginFailures } from "../schema";

/** Serialises the tries from one address across every web server: its count is checked and its try reserved as one step. */
const LOGIN_ADDRESS_LOCK = 7_310_002;

export async function lockLoginAddress(tx: DbOrTx, address: string) {
  await tx.execute(sql`SELECT pg_advisory_xact_lock(${LOGIN_ADDRESS_LOCK}, hashtext(${address}))`);
}

/** What the throttle decides on: the newest failures (ms since the epoch, oldest first), tries under way, and the account's failures. */
export type RecentLoginFailures = { pairTimes: number[]; addressTimes: number[]; pendingPair: number; pendingAddress: number; accountFailures: number };

/** One statement: everything recorded since `since` for the address, the address with the account, and the account. */
export async function selectRecentLoginFailures(
  db: DbOrTx,
  p: { account: string; address: string; since: Date; pairLimit: number; addressLimit: number },
): Promise<RecentLoginFailures> {
  // A raw statement's parameters are sent as text: a Date must be spelled out.
  const since = sql`${p.since.toISOString()}::timestamptz`;
  const newest = (where: ReturnType<typeof sql>, limit: number) => sql`coalesce((
    SELECT array_agg(ms ORDER BY ms) FROM (
      SELECT (extract(epoch FROM at) * 1000)::float8 AS ms FROM login_failures
      WHERE ${where} AND NOT pending AND at > ${since} ORDER BY at DESC LIMIT ${limit}) newest), '{}')`;
  const pair = sql`address = ${p.address} AND account = ${p.account}`;
  const address = sql`address = ${p.address}`;
  const [row] = await db.execute<{ pair_times: number[]; address_times: number[]; pending_pair: number; pending_address: number; account_failures: number }>(sql`
    SELECT ${newest(pair, p.pairLimit)} AS pair_times,
           ${newest(address, p.addressLimit)} AS address_times,
           (SELECT count(*) FROM login_failures WHERE ${pair} AND pending AND at > ${since})::int AS pending_pair,
           (SELECT count(*) FROM login_failures WHERE ${address} AND pending AND at > ${since})::int AS pending_address,
           (SELECT count(*) FROM login_failures WHERE account = ${p.account} AND slows_account AND NOT pending AND at > ${since})::int AS account_failures`);
  return {
    pairTimes: row.pair_times.map(Number),
    addressTimes: row.address_times.map(Number),
    pendingPair: row.pending_pair,
    pendingAddress: row.pending_address,
    accountFailures: row.account_failures,
  };
}

export async function insertLoginFailure(db: DbOrTx, values: { account: string; address: string; at: Date; pending: boolean }): Promise<number> {
  const [row] = await db.insert(loginFailures).values(values).returning({ id: loginFailures.id });
  return row.id;
}

/** A try under way failed: it now counts as a failure at `at`. */
export async function settleLoginFailure(db: DbOrTx, id: number, at: Date) {
  await db.update(loginFailures).set({ pending: false, at }).where(eq(loginFailures.id, id));
}

export async function deleteLoginTry(db: DbOrTx, id: number) {
  await db.delete(loginFailures).where(eq(loginFailures.id, id));
}

/**
 * A success: the account's failures from this address go (from the pair's and the address's
 * count), and none of its failures from anywhere slows it down any more. Other addresses' counts
 * against the account stay: its owner signing in must not hand an attacker fresh guesses.
 */
export async function clearLoginFailures(db: DbOrTx, p: { account: string; address: string; tryId?: number }) {
  await db.transaction(async (tx) => {
    const pair = and(eq(loginFailures.account, p.account), eq(loginFailures.address, p.address));
    await tx.delete(loginFailures).where(p.tryId === undefined ? pair : or(pair, eq(loginFailures.id, p.tryId)));
    await tx
      .update(loginFailures)
      .set({ slowsAccount: false })
      .where(and(eq(loginFailures.account, p.account), eq(loginFailures.slowsAccount, true)));
  });
}

/** Failures that can no longer decide anything (older than the window). */
export async function purgeLoginFailures(db: DbOrTx, before: Date) {
  await db.delete(loginFailures).where(lt(loginFailures.at, before));
}
