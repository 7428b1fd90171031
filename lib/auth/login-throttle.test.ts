import { describe, expect, it } from "vitest";
import { LOGIN_WINDOW_MS, LoginThrottle } from "./login-throttle";

function clock() {
  let now = 1_000_000;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe("LoginThrottle", () => {
  it("blocks an address for an account after 10 failures in 5 minutes, for as long as the oldest of them counts", () => {
    const c = clock();
    const t = new LoginThrottle(undefined, undefined, c.now);
    for (let i = 0; i < 9; i++) {
      t.recordFailure("alice@example.com", "10.0.0.1");
      c.advance(1000);
    }
    expect(t.retryAfter("alice@example.com", "10.0.0.1")).toBe(0);
    t.recordFailure("alice@example.com", "10.0.0.1");
    // The first failure was 9 s ago: it stops counting after 5 minutes.
    expect(t.retryAfter("alice@example.com", "10.0.0.1")).toBe(LOGIN_WINDOW_MS / 1000 - 9);
    expect(t.retryAfter("bob@example.com", "10.0.0.1")).toBe(0);
    c.advance(LOGIN_WINDOW_MS - 9000);
    expect(t.retryAfter("alice@example.com", "10.0.0.1")).toBe(0);
  });

  it("never blocks an account for everyone: failures from elsewhere leave its owner's address free, only a little slower", () => {
    const c = clock();
    const t = new LoginThrottle(undefined, undefined, c.now);
    // An attacker from many addresses, far past what once locked the account.
    for (let i = 0; i < 200; i++) t.recordFailure("alice@example.com", `203.0.113.${i % 20}`);
    expect(t.retryAfter("alice@example.com", "198.51.100.7")).toBe(0);
    const attempt = t.begin("alice@example.com", "198.51.100.7");
    expect(attempt).toHaveProperty("finish");
    expect("delayMs" in attempt && attempt.delayMs).toBe(2000);
  });

  it("an account's delay grows from its 3rd recent failure by 250 ms each, up to 2 s, and a success or the window ends it", () => {
    const c = clock();
    const t = new LoginThrottle(undefined, undefined, c.now);
    const delays = [];
    for (let i = 0; i < 14; i++) {
      delays.push(t.delayFor("alice@example.com"));
      t.recordFailure("alice@example.com", `203.0.113.${i}`);
    }
    expect(delays).toEqual([0, 0, 0, 250, 500, 750, 1000, 1250, 1500, 1750, 2000, 2000, 2000, 2000]);
    expect(t.delayFor("bob@example.com")).toBe(0);
    t.recordSuccess("alice@example.com", "198.51.100.7");
    expect(t.delayFor("alice@example.com")).toBe(0);
    for (let i = 0; i < 5; i++) t.recordFailure("alice@example.com", "203.0.113.1");
    expect(t.delayFor("alice@example.com")).toBe(750);
    c.advance(LOGIN_WINDOW_MS + 1);
    expect(t.delayFor("alice@example.com")).toBe(0);
  });

  it("blocks an address after 20 failures, whichever accounts they were for", () => {
    const c = clock();
    const t = new LoginThrottle(undefined, undefined, c.now);
    for (let i = 0; i < 20; i++) t.recordFailure(`user${i}@example.com`, "203.0.113.9");
    expect(t.retryAfter("fresh@example.com", "203.0.113.9")).toBeGreaterThan(0);
    expect(t.retryAfter("fresh@example.com", "203.0.113.10")).toBe(0);
    expect(t.retryAfter("user0@example.com", "203.0.113.10")).toBe(0);
  });

  it("a success clears the account's failures, also from its address's count, and nobody else's", () => {
    const c = clock();
    const t = new LoginThrottle(undefined, undefined, c.now);
    for (let i = 0; i < 9; i++) t.recordFailure("alice@example.com", "198.51.100.1");
    for (let i = 0; i < 10; i++) t.recordFailure(`victim${i}@example.com`, "198.51.100.1");
    t.recordSuccess("alice@example.com", "198.51.100.1");
    for (let i = 0; i < 9; i++) t.recordFailure("alice@example.com", "198.51.100.1");
    expect(t.retryAfter("alice@example.com", "198.51.100.1")).toBe(0);
    // The address still has its 10 failures against other accounts and alice's 9 new ones: one more blocks it.
    expect(t.retryAfter("new@example.com", "198.51.100.1")).toBe(0);
    t.recordFailure("other@example.com", "198.51.100.1");
    expect(t.retryAfter("new@example.com", "198.51.100.1")).toBeGreaterThan(0);
  });

  it("keeps a bounded number of entries under a flood of made-up accounts", () => {
    const t = new LoginThrottle();
    for (let i = 0; i < 12_000; i++) t.recordFailure(`flood${i}@example.com`, `addr${i % 50}`);
    const sizes = t as unknown as { accounts: Map<string, unknown>; pairs: Map<string, unknown>; addresses: Map<string, unknown> };
    expect(sizes.accounts.size).toBeLessThanOrEqual(10_000);
    expect(sizes.pairs.size).toBeLessThanOrEqual(10_000);
    expect(sizes.addresses.size).toBe(50);
  });
});

describe("LoginThrottle.begin", () => {
  it("counts tries under way, so parallel guesses from one address cannot all pass the check before any failed", () => {
    const t = new LoginThrottle();
    const tries = Array.from({ length: 10 }, () => t.begin("alice@example.com", "192.0.2.1"));
    expect(tries.every((a) => "finish" in a)).toBe(true);
    expect(t.begin("alice@example.com", "192.0.2.1")).toEqual({ wait: 1 });
    // Another address is not held up by them.
    expect(t.begin("alice@example.com", "192.0.2.7")).toHaveProperty("finish");
    for (const a of tries) if ("finish" in a) a.finish("failure");
    const after = t.begin("alice@example.com", "192.0.2.1");
    expect("wait" in after && after.wait).toBeGreaterThan(200);
  });

  it("an abandoned try (the server was busy) counts for nothing; a finished one only once", () => {
    const t = new LoginThrottle();
    for (let i = 0; i < 20; i++) {
      const a = t.begin("bob@example.com", "192.0.2.2");
      if ("finish" in a) {
        a.finish("abandoned");
        a.finish("failure");
      }
    }
    expect(t.retryAfter("bob@example.com", "192.0.2.2")).toBe(0);
    expect(t.delayFor("bob@example.com")).toBe(0);
    const a = t.begin("bob@example.com", "192.0.2.2");
    if ("finish" in a) a.finish("success");
    expect(t.begin("bob@example.com", "192.0.2.2")).toHaveProperty("finish");
  });
});
