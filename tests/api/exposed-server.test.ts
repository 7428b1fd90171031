import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startExtraServer, type ExtraServer } from "../support/extra-server";

/**
 * A fresh server bound to every interface (HOSTNAME=0.0.0.0), as on a LAN, behind one trusted
 * reverse proxy: its first-run setup, and how it holds up against guessed passwords and a flood of
 * sign-ins. A server of its own, since sign-in throttling is the web process's memory.
 */
let server: ExtraServer;
const OWNER = { email: "owner@example.com", username: "owner", password: "owner-password" };

function post(path: string, body: unknown, headers: Record<string, string> = {}, base = server.baseUrl) {
  return fetch(`${base}${path}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
}
const login = (email: string, password: string, headers?: Record<string, string>, base?: string) => post("/api/v2/users/login", { email, password }, headers, base);

/**
 * A sign-in sent from `local`, one of this machine's many loopback addresses (all of 127.0.0.0/8
 * is loopback): each is a different client address to the server, as an agent's sandbox and a
 * reverse proxy on this machine would be.
 */
function loginFrom(local: string, email: string, password: string, headers: Record<string, string> = {}) {
  const started = Date.now();
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: unknown; ms: number }>((resolve, reject) => {
    const req = http.request(
      { host: "127.0.0.1", port: server.port, localAddress: local, method: "POST", path: "/api/v2/users/login", headers: { "content-type": "application/json", ...headers } },
      (res) => {
        let text = "";
        res.on("data", (c) => (text += c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: JSON.parse(text || "null"), ms: Date.now() - started }));
      },
    );
    req.on("error", reject);
    req.end(JSON.stringify({ email, password }));
  });
}

/** `n` failed sign-ins, a few at a time (each costs a hash; two run at once): every one a 401. */
async function failures(n: number, attempt: (i: number) => Promise<{ status: number }>) {
  for (let i = 0; i < n; i += 5) {
    const batch = await Promise.all(Array.from({ length: Math.min(5, n - i) }, (_, j) => attempt(i + j)));
    expect(batch.map((r) => r.status)).toEqual(batch.map(() => 401));
  }
}

/** The one reverse proxy this server believes (its X-Forwarded-For names the client). */
const TRUSTED_PROXY = "127.0.0.9";

beforeAll(async () => {
  server = await startExtraServer({ HOSTNAME: "0.0.0.0", TASKYARD_TRUSTED_PROXIES: TRUSTED_PROXY });
}, 90_000);
afterAll(async () => {
  await server?.stop();
});

describe("first-run setup on a server other machines can reach", () => {
  it("`npm start` prints a /setup?code=… address; without that code nobody can create the owner", async () => {
    // Printed once the server is up, right after it says where it runs.
    const line = /Create the first \(owner\) account at (http:\/\/\S+)\/setup\?code=([A-Za-z0-9_-]+)/;
    // (Its own write: it may reach us a moment after the "running" line.)
    for (let i = 0; i < 100 && !line.test(server.output()); i++) await new Promise((r) => setTimeout(r, 100));
    const printed = line.exec(server.output());
    expect(printed, server.output()).not.toBeNull();
    const code = printed![2];

    const without = await post("/api/v2/users/first", OWNER);
    expect(without.status).toBe(403);
    expect((await without.json()).message).toMatch(/setup code/);
    const wrong = await post("/api/v2/users/first", { ...OWNER, setup_code: code.slice(0, -1) + (code.endsWith("A") ? "B" : "A") });
    expect(wrong.status).toBe(403);
    expect((await fetch(`${server.baseUrl}/api/v2/users/first`)).status).toBe(404);

    const right = await post("/api/v2/users/first", { ...OWNER, setup_code: code });
    expect(right.status).toBe(201);
    expect((await fetch(`${server.baseUrl}/api/v2/users/first`)).status).toBe(200);
    expect((await login(OWNER.email, OWNER.password)).status).toBe(201);
  });
});

describe("first-run setup on a loopback-only server", () => {
  /** `POST /users/first` with the Host header a browser would send after coming by `host` (fetch cannot set Host). */
  function postFirstAs(base: string, host: string, body: object): Promise<{ status: number; body: { message?: string } }> {
    const url = new URL(base);
    return new Promise((resolve, reject) => {
      const req = http.request({ host: url.hostname, port: url.port, method: "POST", path: "/api/v2/users/first", headers: { host, "content-type": "application/json" } }, (res) => {
        let text = "";
        res.on("data", (c) => (text += c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text || "{}") }));
      });
      req.on("error", reject);
      req.end(JSON.stringify(body));
    });
  }

  it("needs no code from a browser on this machine at localhost, but a page that rebinds its own name to 127.0.0.1 needs it", async () => {
    const local = await startExtraServer({ HOSTNAME: "127.0.0.1" });
    try {
      const port = new URL(local.baseUrl).port;
      const rebound = await postFirstAs(local.baseUrl, `rebind.attacker.example:${port}`, OWNER);
      expect(rebound.status).toBe(403);
      expect(rebound.body.message).toMatch(/setup code/);
      expect((await fetch(`${local.baseUrl}/api/v2/users/first`)).status).toBe(404);
      expect((await postFirstAs(local.baseUrl, `localhost:${port}`, OWNER)).status).toBe(201);
    } finally {
      await local.stop();
    }
  }, 90_000);
});

describe("sign-in throttling", () => {
  let n = 0;
  /** A user of its own for each test, so their failures do not add up. */
  async function newAccount() {
    const owner = await login(OWNER.email, OWNER.password);
    const token = ((await owner.json()) as { session_token: string }).session_token;
    const username = `user${++n}${Date.now().toString(36)}`;
    const res = await post("/api/v2/users", { email: `${username}@example.com`, username, password: "right-password" }, { "Coder-Session-Token": token });
    expect(res.status).toBe(201);
    return `${username}@example.com`;
  }

  /** The reverse proxy the server trusts (TASKYARD_TRUSTED_PROXIES): what it forwards names the client. */
  const viaProxy = (client: string) => ({ from: TRUSTED_PROXY, headers: { "X-Forwarded-For": client } });

  it("an account hammered from other addresses, far past 10 failures: its owner still signs in with the right password, at most ~2 s later", async () => {
    const email = await newAccount();
    // From one address: 10 failures for this account, then that address (only) is refused for it.
    await failures(10, (i) => loginFrom("127.0.0.2", email, `wrong-${i}`));
    for (const password of ["wrong-again", "right-password"]) {
      const res = await loginFrom("127.0.0.2", email, password);
      expect(res.status).toBe(429);
      expect(Number(res.headers["retry-after"])).toBeGreaterThan(200);
      expect(Number(res.headers["retry-after"])).toBeLessThanOrEqual(300);
      expect(res.body).toEqual({ message: "Too many failed sign-in attempts; try again later." });
    }
    // And from another: the account's 20th failure, which once locked it for anyone for 5 minutes.
    await failures(10, (i) => loginFrom("127.0.0.3", email, `wrong-${i}`));

    const right = await loginFrom("127.0.0.4", email, "right-password");
    expect(right.status).toBe(201);
    // Slowed down (by 2 s at most: lib/auth/login-throttle.test.ts; the hash's own time varies
    // too much on a shared machine to bound it here), not refused.
    expect(right.ms).toBeGreaterThanOrEqual(1900);
    expect((await loginFrom("127.0.0.4", email, "right-password")).status).toBe(201);
    // The attacker's address is still refused for this account, the owner's success notwithstanding.
    expect((await loginFrom("127.0.0.2", email, "right-password")).status).toBe(429);
  }, 120_000);

  it("a success resets the account's count", async () => {
    const email = await newAccount();
    const from = viaProxy("198.51.100.20");
    await failures(9, (i) => loginFrom(from.from, email, `wrong-${i}`, from.headers));
    expect((await loginFrom(from.from, email, "right-password", from.headers)).status).toBe(201);
    // Without the reset these would be the 10th failure and then a 429.
    await failures(2, (i) => loginFrom(from.from, email, `wrong-again-${i}`, from.headers));
    expect((await loginFrom(from.from, email, "right-password", from.headers)).status).toBe(201);
  }, 60_000);

  it("X-Forwarded-For from a peer that is not a trusted proxy (an agent on loopback) changes nothing: the limit hits the real address, not the one it names", async () => {
    const victim = "203.0.113.50";
    // 20 failures for made-up accounts, each claiming to come from the victim.
    await failures(20, (i) => loginFrom("127.0.0.5", `stranger${i}@example.com`, "guess", { "X-Forwarded-For": victim }));
    // The attacker's own address is what is blocked, whatever it claims now.
    for (const claim of [victim, "198.51.100.99", undefined]) {
      const blocked = await loginFrom("127.0.0.5", OWNER.email, OWNER.password, claim ? { "X-Forwarded-For": claim } : {});
      expect(blocked.status, claim).toBe(429);
      expect(Number(blocked.headers["retry-after"])).toBeGreaterThan(0);
    }
    // The victim, really behind the trusted proxy, is not locked out; nor is anyone else.
    const v = viaProxy(victim);
    expect((await loginFrom(v.from, OWNER.email, OWNER.password, v.headers)).status).toBe(201);
    expect((await loginFrom("127.0.0.6", OWNER.email, OWNER.password, { "X-Forwarded-For": "127.0.0.5" })).status).toBe(201);
  }, 90_000);

  it("a flood of sign-ins is answered 503 at once beyond a short line, and the rest of the server keeps answering", async () => {
    const flood = Array.from({ length: 60 }, (_, i) => {
      const from = viaProxy(`198.18.0.${i}`);
      return loginFrom(from.from, `flood${i}@example.com`, "guess", from.headers).then((res) => ({ status: res.status, retryAfter: res.headers["retry-after"], ms: res.ms }));
    });
    // Meanwhile, other requests do not wait for the hashing.
    await new Promise((r) => setTimeout(r, 200));
    const started = Date.now();
    const health = await fetch(`${server.baseUrl}/api/v2/buildinfo`);
    const healthMs = Date.now() - started;
    const results = await Promise.all(flood);
    const statuses = results.map((r) => r.status);
    expect(new Set(statuses)).toEqual(new Set([401, 503]));
    const busy = results.filter((r) => r.status === 503);
    const hashed = results.filter((r) => r.status === 401);
    // Two at a time, sixteen waiting: the rest are told at once.
    expect(hashed.length).toBeLessThanOrEqual(2 + 16 + 2);
    expect(busy.length).toBeGreaterThanOrEqual(60 - 2 - 16 - 2);
    for (const r of busy) expect(r.retryAfter).toBe("1");
    expect(Math.max(...busy.map((r) => r.ms))).toBeLessThan(Math.max(...hashed.map((r) => r.ms)));
    expect(health.status).toBe(200);
    expect(healthMs).toBeLessThan(Math.max(...hashed.map((r) => r.ms)));
  }, 120_000);
});
