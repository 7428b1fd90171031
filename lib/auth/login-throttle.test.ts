import { describe, expect, it } from "vitest";
import { LOGIN_WINDOW_MS, LoginThrottle } from "./login-throttle";

function clock() {
  let now = 1_000_000;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe("LoginThrottle", () => {
  it("blocks an account after 10 failures in 5 minutes, for as long as the oldest of them counts", () => {
    const c = clock();
    const t = new LoginThrottle(undefined, undefined, c.now);
    for (let i = 0; i < 9; i++) {
      t.recordFailure("alice@example.com", `10.0.0.${i}`);
      c.advance(1000);
    }
    expect(t.retryAfter("alice@example.com", "10.0.1.1")).toBe(0);
    t.recordFailure("alice@example.com", "10.0.0.99");
    // The first failure was 10 s ago: it stops counting after 5 minutes.
    expect(t.retryAfter("alice@example.com", "10.0.1.1")).toBe(LOGIN_WINDOW_MS / 1000 - 9);
    expect(t.retryAfter("bob@example.com", "10.0.1.1")).toBe(0);
    c.advance(LOGIN_WINDOW_MS - 9000);
    expect(t.retryAfter("alice@example.com", "10.0.1.1")).toBe(0);
  });

  it("blocks an address after 20 failures, whichever accounts they were for", () => {
    const c = clock();
    const t = new LoginThrottle(undefined, undefined, c.now);
    for (let i = 0; i < 20; i++) t.recordFailure(`user${i}@example.com`, "203.0.113.9");
    expect(t.retryAfter("fresh@example.com", "203.0.113.9")).toBeGreaterThan(0);
    expect(t.retryAfter("fresh@example.com", "203.0.113.10")).toBe(0);
  });

  it("a success clears the account's failures, also from its address's count, and nobody else's", () => {
    const c = clock();
    const t = new LoginThrottle(undefined, undefined, c.now);
    for (let i = 0; i < 9; i++) t.recordFailure("alice@example.com", "198.51.100.1");
    for (let i = 0; i < 10; i++) t.recordFailure(`victim${i}@example.com`, "198.51.100.1");
    t.recordSuccess("alice@example.com", "198.51.100.1");
    for (let i = 0; i < 9; i++) t.recordFailure("alice@example.com", "198.51.100.2");
    expect(t.retryAfter("alice@example.com", "198.51.100.2")).toBe(0);
    // The address still has its 10 failures against other accounts: 10 more block it.
    for (let i = 0; i < 9; i++) t.recordFailure(`other${i}@example.com`, "198.51.100.1");
    expect(t.retryAfter("new@example.com", "198.51.100.1")).toBe(0);
    t.recordFailure("other9@example.com", "198.51.100.1");
    expect(t.retryAfter("new@example.com", "198.51.100.1")).toBeGreaterThan(0);
  });

  it("keeps a bounded number of entries under a flood of made-up accounts", () => {
    const t = new LoginThrottle();
    for (let i = 0; i < 12_000; i++) t.recordFailure(`flood${i}@example.com`, `addr${i % 50}`);
    const sizes = t as unknown as { accounts: Map<string, unknown>; addresses: Map<string, unknown> };
    expect(sizes.accounts.size).toBeLessThanOrEqual(10_000);
    expect(sizes.addresses.size).toBe(50);
  });
});

describe("LoginThrottle.begin", () => {
  it("counts tries under way, so parallel guesses cannot all pass the check before any failed", () => {
    const t = new LoginThrottle();
    const tries = Array.from({ length: 10 }, () => t.begin("alice@example.com", "192.0.2.1"));
    expect(tries.every((a) => "finish" in a)).toBe(true);
    const eleventh = t.begin("alice@example.com", "192.0.2.7");
    expect(eleventh).toEqual({ wait: 1 });
    for (const a of tries) if ("finish" in a) a.finish("failure");
    const after = t.begin("alice@example.com", "192.0.2.7");
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
    const a = t.begin("bob@example.com", "192.0.2.2");
    if ("finish" in a) a.finish("success");
    expect(t.begin("bob@example.com", "192.0.2.2")).toHaveProperty("finish");
  });
});
