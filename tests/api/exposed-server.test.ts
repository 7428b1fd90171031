import http from "node:http";
import os from "node:os";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startExtraServer, type ExtraServer } from "../support/extra-server";

/**
 * A fresh server bound to every interface (HOSTNAME=0.0.0.0), as on a LAN: its first-run setup,
 * and how it holds up against guessed passwords and a flood of sign-ins. A server of its own,
 * since sign-in throttling is the web process's memory.
 */
let server: ExtraServer;
const OWNER = { email: "owner@example.com", username: "owner", password: "owner-password" };

/** This machine's address on a network, if it has one: requests from there are not loopback. */
const lanAddress = Object.values(os.networkInterfaces())
  .flat()
  .find((a) => a && a.family === "IPv4" && !a.internal)?.address;

function post(path: string, body: unknown, headers: Record<string, string> = {}, base = server.baseUrl) {
  return fetch(`${base}${path}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
}
const login = (email: string, password: string, headers?: Record<string, string>, base?: string) => post("/api/v2/users/login", { email, password }, headers, base);

/** `n` failed sign-ins, a few at a time (each costs a hash; two run at once): every one a 401. */
async function failures(n: number, attempt: (i: number) => Promise<Response>) {
  for (let i = 0; i < n; i += 5) {
    const batch = await Promise.all(Array.from({ length: Math.min(5, n - i) }, (_, j) => attempt(i + j)));
    expect(batch.map((r) => r.status)).toEqual(batch.map(() => 401));
  }
}

beforeAll(async () => {
  server = await startExtraServer({ HOSTNAME: "0.0.0.0" });
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
  /** A different client address for each request: through a reverse proxy on this machine, which X-Forwarded-For names. */
  let addr = 0;
  const viaProxy = () => ({ "X-Forwarded-For": `198.51.100.${++addr % 250}` });

  it("10 failures for an account in 5 minutes: then 429 with Retry-After, even with the right password, from any address", async () => {
    const email = await newAccount();
    await failures(10, (i) => login(email, `wrong-${i}`, viaProxy()));
    for (const password of ["wrong-again", "right-password"]) {
      const res = await login(email, password, viaProxy());
      expect(res.status).toBe(429);
      const retryAfter = Number(res.headers.get("retry-after"));
      expect(retryAfter).toBeGreaterThan(200);
      expect(retryAfter).toBeLessThanOrEqual(300);
      expect(await res.json()).toEqual({ message: "Too many failed sign-in attempts; try again later." });
    }
    // Another account is not affected.
    expect((await login(OWNER.email, OWNER.password, viaProxy())).status).toBe(201);
  }, 60_000);

  it("a success resets the account's count", async () => {
    const email = await newAccount();
    const from = viaProxy();
    await failures(9, (i) => login(email, `wrong-${i}`, from));
    expect((await login(email, "right-password", from)).status).toBe(201);
    // Without the reset these would be the 10th failure and then a 429.
    await failures(2, (i) => login(email, `wrong-again-${i}`, from));
    expect((await login(email, "right-password", from)).status).toBe(201);
  }, 60_000);

  it("20 failures from one address, whatever the accounts: then 429 for any account from there; a made-up X-Forwarded-For changes nothing", async () => {
    // From this machine's network address where it has one: the server takes the connection's
    // address, not what X-Forwarded-For claims. (Loopback is where a local reverse proxy would
    // be: there the header names the client, so a fixed one stands for one client.)
    const base = lanAddress ? `http://${lanAddress}:${server.port}` : server.baseUrl;
    const claim = (i: number) => ({ "X-Forwarded-For": lanAddress ? `10.1.2.${i}` : "203.0.113.50" });
    await failures(20, (i) => login(`stranger${i}@example.com`, "guess", claim(i), base));
    const blocked = await login(OWNER.email, OWNER.password, claim(99), base);
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get("retry-after"))).toBeGreaterThan(0);
    // Another client is not affected.
    expect((await login(OWNER.email, OWNER.password, { "X-Forwarded-For": "203.0.113.51" })).status).toBe(201);
  }, 90_000);

  it("a flood of sign-ins is answered 503 at once beyond a short line, and the rest of the server keeps answering", async () => {
    const flood = Array.from({ length: 60 }, (_, i) => {
      const started = Date.now();
      return login(`flood${i}@example.com`, "guess", { "X-Forwarded-For": `198.18.0.${i}` }).then((res) => ({ status: res.status, retryAfter: res.headers.get("retry-after"), ms: Date.now() - started }));
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
