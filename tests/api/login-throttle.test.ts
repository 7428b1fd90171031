import { randomUUID } from "node:crypto";
import { afterAll, beforeEach, describe, expect, inject, it } from "vitest";
import { createDb } from "../../lib/db/client";
import { LOGIN_WINDOW_MS, LoginThrottle } from "../../lib/auth/login-throttle";
import { testSql } from "../support/db";

/** The rules, against the real `login_failures` table (shared by every web server), on a clock the test moves. */
const handle = createDb(inject("databaseUrl"), { max: 4 });
const sql = testSql();
afterAll(() => handle.sql.end());

function clock() {
  let now = Date.now();
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

/** Accounts and addresses of this test only: the table is the run's. */
let run = "";
beforeEach(() => {
  run = randomUUID().slice(0, 8);
});
const acct = (name: string) => `${name}-${run}@example.com`;
const addr = (a: string) => `${a}#${run}`;

describe("LoginThrottle", () => {
  it("blocks an address for an account after 10 failures in 5 minutes, for as long as the oldest of them counts", async () => {
    const c = clock();
    const t = new LoginThrottle(handle.db, undefined, undefined, c.now);
    for (let i = 0; i < 9; i++) {
      await t.recordFailure(acct("alice"), addr("10.0.0.1"));
      c.advance(1000);
    }
    expect(await t.retryAfter(acct("alice"), addr("10.0.0.1"))).toBe(0);
    await t.recordFailure(acct("alice"), addr("10.0.0.1"));
    // The first failure was 9 s ago: it stops counting after 5 minutes.
    expect(await t.retryAfter(acct("alice"), addr("10.0.0.1"))).toBe(LOGIN_WINDOW_MS / 1000 - 9);
    expect(await t.retryAfter(acct("bob"), addr("10.0.0.1"))).toBe(0);
    c.advance(LOGIN_WINDOW_MS - 9000);
    expect(await t.retryAfter(acct("alice"), addr("10.0.0.1"))).toBe(0);
  });

  it("never blocks an account for everyone: failures from elsewhere leave its owner's address free, only a little slower", async () => {
    const c = clock();
    const t = new LoginThrottle(handle.db, undefined, undefined, c.now);
    // An attacker from many addresses, far past what once locked the account.
    for (let i = 0; i < 200; i++) await t.recordFailure(acct("alice"), addr(`203.0.113.${i % 20}`));
    expect(await t.retryAfter(acct("alice"), addr("198.51.100.7"))).toBe(0);
    const attempt = await t.begin(acct("alice"), addr("198.51.100.7"));
    expect(attempt).toHaveProperty("finish");
    expect("delayMs" in attempt && attempt.delayMs).toBe(2000);
  });

  it("an account's delay grows from its 3rd recent failure by 250 ms each, up to 2 s, and a success or the window ends it", async () => {
    const c = clock();
    const t = new LoginThrottle(handle.db, undefined, undefined, c.now);
    const delays = [];
    for (let i = 0; i < 14; i++) {
      delays.push(await t.delayFor(acct("alice")));
      await t.recordFailure(acct("alice"), addr(`203.0.113.${i}`));
    }
    expect(delays).toEqual([0, 0, 0, 250, 500, 750, 1000, 1250, 1500, 1750, 2000, 2000, 2000, 2000]);
    expect(await t.delayFor(acct("bob"))).toBe(0);
    await t.recordSuccess(acct("alice"), addr("198.51.100.7"));
    expect(await t.delayFor(acct("alice"))).toBe(0);
    for (let i = 0; i < 5; i++) await t.recordFailure(acct("alice"), addr("203.0.113.1"));
    expect(await t.delayFor(acct("alice"))).toBe(750);
    c.advance(LOGIN_WINDOW_MS + 1);
    expect(await t.delayFor(acct("alice"))).toBe(0);
  });

  it("blocks an address after 20 failures, whichever accounts they were for", async () => {
    const c = clock();
    const t = new LoginThrottle(handle.db, undefined, undefined, c.now);
    for (let i = 0; i < 20; i++) await t.recordFailure(acct(`user${i}`), addr("203.0.113.9"));
    expect(await t.retryAfter(acct("fresh"), addr("203.0.113.9"))).toBeGreaterThan(0);
    expect(await t.retryAfter(acct("fresh"), addr("203.0.113.10"))).toBe(0);
    expect(await t.retryAfter(acct("user0"), addr("203.0.113.10"))).toBe(0);
  });

  it("a success clears the account's failures, also from its address's count, and nobody else's", async () => {
    const c = clock();
    const t = new LoginThrottle(handle.db, undefined, undefined, c.now);
    for (let i = 0; i < 9; i++) await t.recordFailure(acct("alice"), addr("198.51.100.1"));
    for (let i = 0; i < 10; i++) await t.recordFailure(acct(`victim${i}`), addr("198.51.100.1"));
    await t.recordSuccess(acct("alice"), addr("198.51.100.1"));
    for (let i = 0; i < 9; i++) await t.recordFailure(acct("alice"), addr("198.51.100.1"));
    expect(await t.retryAfter(acct("alice"), addr("198.51.100.1"))).toBe(0);
    // The address still has its 10 failures against other accounts and alice's 9 new ones: one more blocks it.
    expect(await t.retryAfter(acct("new"), addr("198.51.100.1"))).toBe(0);
    await t.recordFailure(acct("other"), addr("198.51.100.1"));
    expect(await t.retryAfter(acct("new"), addr("198.51.100.1"))).toBeGreaterThan(0);
  });

  it("forgets failures older than the window when it records one, so made-up accounts cannot grow the table without end", async () => {
    const c = clock();
    const t = new LoginThrottle(handle.db, undefined, undefined, c.now);
    for (let i = 0; i < 50; i++) await t.recordFailure(acct(`flood${i}`), addr("203.0.113.50"));
    c.advance(LOGIN_WINDOW_MS + 1000);
    const attempt = await t.begin(acct("late"), addr("203.0.113.50"));
    if ("finish" in attempt) await attempt.finish("failure");
    const [{ n }] = await sql`SELECT count(*)::int AS n FROM login_failures WHERE address = ${addr("203.0.113.50")}`;
    expect(n).toBe(1);
  });
});

describe("LoginThrottle.begin", () => {
  it("counts tries under way, so parallel guesses from one address cannot all pass the check before any failed", async () => {
    const t = new LoginThrottle(handle.db);
    const tries = await Promise.all(Array.from({ length: 10 }, () => t.begin(acct("alice"), addr("192.0.2.1"))));
    expect(tries.every((a) => "finish" in a)).toBe(true);
    expect(await t.begin(acct("alice"), addr("192.0.2.1"))).toEqual({ wait: 1 });
    // Another address is not held up by them.
    expect(await t.begin(acct("alice"), addr("192.0.2.7"))).toHaveProperty("finish");
    for (const a of tries) if ("finish" in a) await a.finish("failure");
    const after = await t.begin(acct("alice"), addr("192.0.2.1"));
    expect("wait" in after && after.wait).toBeGreaterThan(200);
  });

  it("an abandoned try (the server was busy) counts for nothing; a finished one only once", async () => {
    const t = new LoginThrottle(handle.db);
    for (let i = 0; i < 20; i++) {
      const a = await t.begin(acct("bob"), addr("192.0.2.2"));
      if ("finish" in a) {
        await a.finish("abandoned");
        await a.finish("failure");
      }
    }
    expect(await t.retryAfter(acct("bob"), addr("192.0.2.2"))).toBe(0);
    expect(await t.delayFor(acct("bob"))).toBe(0);
    const a = await t.begin(acct("bob"), addr("192.0.2.2"));
    if ("finish" in a) await a.finish("success");
    expect(await t.begin(acct("bob"), addr("192.0.2.2"))).toHaveProperty("finish");
  });
});
