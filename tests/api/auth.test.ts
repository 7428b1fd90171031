import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inject } from "vitest";
import { TaskyardClient } from "../../lib/sdk/client";
import { baseUrl, createTestUser, ownerClient, raw, uniqueName } from "../support/api";
import { testSql } from "../support/db";
import { expectError, expectValidation } from "../support/expect";
import { startExtraServer, type ExtraServer } from "../support/extra-server";
import { rawHttp } from "../support/http";
import { waitFor } from "../support/runtime";

const sql = testSql();

async function newUser(password = "correct-horse-1") {
  const username = uniqueName("auth");
  const email = `${username}@example.com`;
  const user = await ownerClient().createUser({ email, username, password });
  return { id: user.id, username, email, password };
}

async function login(email: string, password: string) {
  return raw("POST", "/api/v2/users/login", { body: { email, password } });
}

/** A fresh session of `user`: its token. */
async function sessionOf(user: { email: string; password: string }): Promise<string> {
  return (await login(user.email, user.password)).body.session_token as string;
}

describe("first user on a fresh install", () => {
  let fresh: ExtraServer;
  beforeAll(async () => {
    fresh = await startExtraServer();
  }, 60_000);
  afterAll(async () => {
    await fresh?.stop();
  });

  it("GET users/first is 404 before and 200 after; POST is 201 once, then 409", async () => {
    const get = () => fetch(`${fresh.baseUrl}/api/v2/users/first`);
    const before = await get();
    expect(before.status).toBe(404);
    expect(typeof (await before.json()).message).toBe("string");

    const post = (body: unknown) =>
      fetch(`${fresh.baseUrl}/api/v2/users/first`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

    const invalid = await post({ email: "not-an-email", username: "has space", password: "short" });
    expect(invalid.status).toBe(400);
    const invalidBody = await invalid.json();
    expect(invalidBody.validations.map((v: { field: string }) => v.field).sort()).toEqual(["email", "password", "username"]);
    expect((await get()).status).toBe(404);

    // Several setups racing: exactly one becomes the owner.
    const racers = await Promise.all(
      [1, 2, 3, 4].map((i) => post({ email: `racer${i}@example.com`, username: `racer${i}`, password: "racer-password" })).concat(
        post({ email: "First@Example.com", username: "first", name: "First Person", password: "first-password" }),
      ),
    );
    expect(racers.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409]);
    const created = racers.find((r) => r.status === 201)!;
    const body = await created.json();
    expect(Object.keys(body).sort()).toEqual(["organization_id", "user_id"]);
    expect(body.user_id).toMatch(/^[0-9a-f-]{36}$/);

    const winner = racers.indexOf(created);
    const credentials = winner === 4 ? { email: "first@example.com", password: "first-password" } : { email: `racer${winner + 1}@example.com`, password: "racer-password" };
    const orgToken = await fetch(`${fresh.baseUrl}/api/v2/users/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(credentials),
    }).then((r) => r.json());
    const client = new TaskyardClient({ baseUrl: fresh.baseUrl, token: orgToken.session_token });
    const me = await client.me();
    expect(me.id).toBe(body.user_id);
    expect(me.email).toBe(credentials.email);
    expect(me.roles.map((r) => r.name)).toEqual(["owner"]);
    const orgs = await client.request<{ id: string; is_default: boolean }[]>("GET", "/api/v2/organizations");
    expect(orgs.find((o) => o.is_default)!.id).toBe(body.organization_id);

    expect((await get()).status).toBe(200);
    const again = await post({ email: "second@example.com", username: "second", password: "second-password" });
    expect(again.status).toBe(409);
    expect(typeof (await again.json()).message).toBe("string");
  });
});

describe("first user from TASKYARD_ADMIN_EMAIL / TASKYARD_ADMIN_PASSWORD", () => {
  it("creates that owner at start, with the username taken from the email", async () => {
    const server = await startExtraServer({ TASKYARD_ADMIN_EMAIL: "ada.lovelace@example.com", TASKYARD_ADMIN_PASSWORD: "analytical-engine" });
    try {
      expect((await fetch(`${server.baseUrl}/api/v2/users/first`)).status).toBe(200);
      const res = await fetch(`${server.baseUrl}/api/v2/users/login`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email: "ada.lovelace@example.com", password: "analytical-engine" }),
      });
      expect(res.status).toBe(201);
      const me = await new TaskyardClient({ baseUrl: server.baseUrl, token: (await res.json()).session_token }).me();
      expect(me.username).toBe("ada-lovelace");
      expect(me.roles.map((r) => r.name)).toEqual(["owner"]);
    } finally {
      await server.stop();
    }
  }, 60_000);
});

describe("users/first on a server that has users", () => {
  it("GET is 200 and POST is 409", async () => {
    expect((await raw("GET", "/api/v2/users/first")).status).toBe(200);
    const res = await raw("POST", "/api/v2/users/first", { body: { email: `${uniqueName("x")}@example.com`, username: uniqueName("x"), password: "password-123" } });
    expectError(res, 409);
  });

  it("a flood of POSTs is answered 409 without hashing a password, so sign-ins are not crowded out (no 503)", async () => {
    const user = await newUser();
    const flood = Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        raw("POST", "/api/v2/users/first", { body: { email: `flood${i}@example.com`, username: `flood${i}`, password: "password-123" } }),
      ),
    );
    const signIn = login(user.email, user.password);
    expect((await flood).map((r) => r.status)).toEqual(Array.from({ length: 40 }, () => 409));
    expect((await signIn).status).toBe(201);
  });
});

describe("login and logout", () => {
  it("login answers 201 {session_token} and sets the session cookie", async () => {
    const user = await newUser();
    const res = await login(user.email, user.password);
    expect(res.status).toBe(201);
    expect(Object.keys(res.body)).toEqual(["session_token"]);
    expect(res.body.session_token).toMatch(/^[a-zA-Z0-9]{10}-[a-zA-Z0-9]{22}$/);
    const cookie = res.headers.get("set-cookie")!;
    expect(cookie).toContain(`coder_session_token=${res.body.session_token}`);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/Path=\//);
    expect((await raw("GET", "/api/v2/users/me", { token: res.body.session_token })).body.id).toBe(user.id);
  });

  it("accepts the email in any case", async () => {
    const user = await newUser();
    expect((await login(user.email.toUpperCase(), user.password)).status).toBe(201);
  });

  it("wrong email and wrong password give the same 401", async () => {
    const user = await newUser();
    const wrongPassword = await login(user.email, "not-the-password");
    const wrongEmail = await login(`nobody-${user.email}`, user.password);
    expectError(wrongPassword, 401);
    expectError(wrongEmail, 401);
    expect(wrongEmail.body).toEqual(wrongPassword.body);
    expect(wrongPassword.headers.get("set-cookie")).toBeNull();
  });

  it("a login body that is not {email, password} is a 400 naming the field", async () => {
    expectValidation(await raw("POST", "/api/v2/users/login", { body: { email: "a@example.com" } }), "password");
    expectValidation(await raw("POST", "/api/v2/users/login", { body: { email: 5, password: "x" } }), "email");
  });

  it("logout is 200, clears the cookie, and the token is then 401", async () => {
    const user = await newUser();
    const token = (await login(user.email, user.password)).body.session_token;
    const other = (await login(user.email, user.password)).body.session_token;
    const out = await raw("POST", "/api/v2/users/logout", { token });
    expect(out.status).toBe(200);
    expect(out.headers.get("set-cookie")).toMatch(/coder_session_token=;.*Max-Age=0/);
    expectError(await raw("GET", "/api/v2/users/me", { token }), 401);
    expectError(await raw("POST", "/api/v2/users/logout", { token }), 401);
    // Only the token used was revoked.
    expect((await raw("GET", "/api/v2/users/me", { token: other })).status).toBe(200);
  });

  it("a suspended user can neither log in nor use an existing token", async () => {
    const user = await newUser();
    const token = (await login(user.email, user.password)).body.session_token;
    await sql`UPDATE users SET status = 'suspended' WHERE id = ${user.id}`;
    expectError(await raw("GET", "/api/v2/users/me", { token }), 401);
    expectError(await login(user.email, user.password), 401);
  });

  it("an expired session is 401", async () => {
    const user = await newUser();
    const token: string = (await login(user.email, user.password)).body.session_token;
    await sql`UPDATE api_keys SET expires_at = now() - interval '1 minute' WHERE id = ${token.split("-")[0]}`;
    expectError(await raw("GET", "/api/v2/users/me", { token }), 401);
  });
});

describe("tokens in use (callers are cached for a few seconds per web process)", () => {
  // Each token is used a few times first, so its caller is in the cache when it changes.
  const warm = async (token: string) => {
    for (let i = 0; i < 3; i++) expect((await raw("GET", "/api/v2/tasks", { token })).status).toBe(200);
  };

  it("logout: the very next request with that token is 401; the same user's other session still works", async () => {
    const user = await newUser();
    const token = await sessionOf(user);
    const other = await sessionOf(user);
    await warm(token);
    await warm(other);
    expect((await raw("POST", "/api/v2/users/logout", { token })).status).toBe(200);
    expectError(await raw("GET", "/api/v2/tasks", { token }), 401);
    expect((await raw("GET", "/api/v2/tasks", { token: other })).status).toBe(200);
  });

  it("a key revoked by someone else (an admin) is 401 on its very next request", async () => {
    const user = await newUser();
    const session = await sessionOf(user);
    const key = (await raw("POST", "/api/v2/users/me/keys", { token: session })).body.key as string;
    await warm(key);
    await ownerClient().revokeApiKey(key.split("-")[0], user.username);
    expectError(await raw("GET", "/api/v2/tasks", { token: key }), 401);
    expect((await raw("GET", "/api/v2/tasks", { token: session })).status).toBe(200);
  });

  // Another process's change reaches this web process as a notification: milliseconds after the
  // commit, not always before a request sent right after it (on a busy machine it was not).
  const soon = (path: string, token: string, status: number) =>
    waitFor(`${path} to answer ${status}`, async () => (await raw("GET", path, { token })).status === status, 2000, 10);

  it("a role change or suspension written straight into the database (another process) applies as soon as it is notified", async () => {
    const user = await newUser();
    const token = await sessionOf(user);
    await warm(token);
    expectError(await raw("GET", "/api/v2/users", { token }), 403);
    await sql`UPDATE users SET role = 'admin' WHERE id = ${user.id}`;
    await soon("/api/v2/users", token, 200);
    await sql`UPDATE users SET role = 'member' WHERE id = ${user.id}`;
    await soon("/api/v2/users", token, 403);
    expectError(await raw("GET", "/api/v2/users", { token }), 403);
    await sql`UPDATE users SET status = 'suspended' WHERE id = ${user.id}`;
    await soon("/api/v2/tasks", token, 401);
    expectError(await raw("GET", "/api/v2/tasks", { token }), 401);
    await sql`UPDATE users SET status = 'active' WHERE id = ${user.id}`;
    await soon("/api/v2/tasks", token, 200);
  });

  it("a key deleted or expired straight in the database is 401 as soon as it is notified", async () => {
    const user = await newUser();
    const a = await sessionOf(user);
    const b = await sessionOf(user);
    await warm(a);
    await warm(b);
    await sql`DELETE FROM api_keys WHERE id = ${a.split("-")[0]}`;
    await soon("/api/v2/tasks", a, 401);
    expectError(await raw("GET", "/api/v2/tasks", { token: a }), 401);
    await sql`UPDATE api_keys SET expires_at = now() - interval '1 minute' WHERE id = ${b.split("-")[0]}`;
    await soon("/api/v2/tasks", b, 401);
    expectError(await raw("GET", "/api/v2/tasks", { token: b }), 401);
  });

  it("a cached token still needs its exact secret", async () => {
    const user = await newUser();
    const token = await sessionOf(user);
    await warm(token);
    const [id, secret] = token.split("-");
    const wrong = `${id}-${secret.slice(0, -1)}${secret.endsWith("a") ? "b" : "a"}`;
    expectError(await raw("GET", "/api/v2/tasks", { token: wrong }), 401);
  });
});

describe("users/me", () => {
  it("has Coder's user shape", async () => {
    const user = await createTestUser();
    const res = await raw("GET", "/api/v2/users/me", { token: user.token });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: user.id,
      username: user.username,
      email: `${user.username}@example.com`,
      name: expect.any(String),
      roles: [{ name: "member" }],
      status: "active",
    });
    expect(new Date(res.body.created_at).toISOString()).toBe(res.body.created_at);
    expect(res.body).not.toHaveProperty("password_hash");
    expect(JSON.stringify(res.body)).not.toContain("scrypt");
  });

  it("GET users/{id} and users/{username} give the same user", async () => {
    const user = await createTestUser();
    const byId = await raw("GET", `/api/v2/users/${user.id}`, { token: user.token });
    const byName = await raw("GET", `/api/v2/users/${user.username}`, { token: user.token });
    expect(byId.status).toBe(200);
    // The first request records the user's first sighting (off its own path): only that may differ.
    expect({ ...byName.body, last_seen_at: null }).toEqual({ ...byId.body, last_seen_at: null });
  });
});

describe("where the token may come from", () => {
  it("Coder-Session-Token header, Authorization: Bearer, and the coder_session_token cookie", async () => {
    const user = await createTestUser();
    const header = await raw("GET", "/api/v2/users/me", { headers: { "Coder-Session-Token": user.token } });
    const bearer = await raw("GET", "/api/v2/users/me", { headers: { Authorization: `Bearer ${user.token}` } });
    const cookie = await raw("GET", "/api/v2/users/me", { headers: { Cookie: `other=1; coder_session_token=${user.token}` } });
    for (const res of [header, bearer, cookie]) {
      expect(res.status).toBe(200);
      expect(res.body.id).toBe(user.id);
    }
  });

  it("no token, a malformed token, an unknown id and a wrong secret are all 401", async () => {
    const user = await createTestUser();
    const [id, secret] = user.token.split("-");
    const wrongSecret = `${id}-${secret.slice(0, -1)}${secret.endsWith("a") ? "b" : "a"}`;
    const unknownId = `${"Z".repeat(10)}-${secret}`;
    for (const headers of <Record<string, string>[]>[
      {},
      { "Coder-Session-Token": "garbage" },
      { "Coder-Session-Token": `${user.token}x` },
      { "Coder-Session-Token": unknownId },
      { "Coder-Session-Token": wrongSecret },
      { Authorization: "Bearer " },
      { Authorization: `Basic ${Buffer.from("a:b").toString("base64")}` },
      { Cookie: "coder_session_token=" },
      { Cookie: "coder_session_token=garbage" },
    ]) {
      const res = await raw("GET", "/api/v2/users/me", { headers });
      expectError(res, 401);
    }
  });

  it("a cookie with broken percent-encoding is a 401, not a crash", async () => {
    for (const value of ["%E0%A4%A", "%", "%zz"]) {
      expectError(await rawHttp("GET", "/api/v2/users/me", { headers: { Cookie: `coder_session_token=${value}` } }), 401);
    }
  });
});

describe("same-origin check for cookie requests that change state", () => {
  const countKeys = async (userId: string) => (await sql`SELECT count(*)::int AS n FROM api_keys WHERE user_id = ${userId}`)[0].n as number;

  it("rejects a cookie POST without Origin or from a foreign origin, and changes nothing", async () => {
    const user = await createTestUser();
    const before = await countKeys(user.id);
    const cookie = `coder_session_token=${user.token}`;
    for (const origin of [undefined, "https://evil.example.com", "http://127.0.0.1:1", "null", "not a url"]) {
      const headers: Record<string, string> = { Cookie: cookie };
      if (origin !== undefined) headers.Origin = origin;
      const res = await rawHttp("POST", "/api/v2/users/me/keys", { headers });
      expectError(res, 403);
    }
    expectError(await rawHttp("POST", "/api/v2/users/me/keys", { headers: { Cookie: cookie, "Sec-Fetch-Site": "cross-site" } }), 403);
    expectError(await rawHttp("POST", "/api/v2/users/me/keys", { headers: { Cookie: cookie, "Sec-Fetch-Site": "same-site", Origin: "http://sub.127.0.0.1" } }), 403);
    // Logout by cookie from elsewhere must not log the user out either.
    expectError(await rawHttp("POST", "/api/v2/users/logout", { headers: { Cookie: cookie, Origin: "https://evil.example.com" } }), 403);
    expect(await countKeys(user.id)).toBe(before);
    expect((await raw("GET", "/api/v2/users/me", { token: user.token })).status).toBe(200);
  });

  it("accepts a cookie POST from our own origin", async () => {
    const user = await createTestUser();
    const cookie = `coder_session_token=${user.token}`;
    const viaOrigin = await raw("POST", "/api/v2/users/me/keys", { headers: { Cookie: cookie, Origin: baseUrl() } });
    expect(viaOrigin.status).toBe(201);
    const viaFetchMetadata = await raw("POST", "/api/v2/users/me/keys", { headers: { Cookie: cookie, "Sec-Fetch-Site": "same-origin" } });
    expect(viaFetchMetadata.status).toBe(201);
  });

  it("GET by cookie needs no Origin; a header token on POST needs none either", async () => {
    const user = await createTestUser();
    expect((await raw("GET", "/api/v2/users/me", { headers: { Cookie: `coder_session_token=${user.token}` } })).status).toBe(200);
    expect((await raw("POST", "/api/v2/users/me/keys", { token: user.token })).status).toBe(201);
  });
});

describe("API keys", () => {
  it("POST users/me/keys is 201 {key}, and the key authenticates as that user", async () => {
    const user = await createTestUser();
    const res = await raw("POST", "/api/v2/users/me/keys", { token: user.token });
    expect(res.status).toBe(201);
    expect(Object.keys(res.body)).toEqual(["key"]);
    expect(res.body.key).not.toBe(user.token);
    const me = await raw("GET", "/api/v2/users/me", { headers: { Authorization: `Bearer ${res.body.key}` } });
    expect(me.body.id).toBe(user.id);
    // The key outlives the session it was created with.
    await raw("POST", "/api/v2/users/logout", { token: user.token });
    expect((await raw("GET", "/api/v2/users/me", { token: res.body.key })).status).toBe(200);
    const [row] = await sql`SELECT login_type, expires_at FROM api_keys WHERE id = ${res.body.key.split("-")[0]}`;
    expect(row.login_type).toBe("token");
    expect(row.expires_at.getTime()).toBeGreaterThan(Date.now() + 7 * 24 * 3600 * 1000);
  });

  it("users/{name}/keys: own name works; a member asking for someone else gets 404, an admin 403, the owner 201", async () => {
    const alice = await createTestUser();
    const bob = await createTestUser();
    const admin = await createTestUser("admin");
    expect((await raw("POST", `/api/v2/users/${alice.username}/keys`, { token: alice.token })).status).toBe(201);
    expectError(await raw("POST", `/api/v2/users/${bob.username}/keys`, { token: alice.token }), 404);
    expectError(await raw("POST", `/api/v2/users/${bob.id}/keys`, { token: alice.token }), 404);
    expectError(await raw("POST", `/api/v2/users/${bob.username}/keys`, { token: admin.token }), 403);
    const byOwner = await raw("POST", `/api/v2/users/${bob.username}/keys`, { token: inject("ownerToken") });
    expect(byOwner.status).toBe(201);
    expect((await raw("GET", "/api/v2/users/me", { token: byOwner.body.key })).body.id).toBe(bob.id);
  });
});

describe("listing and revoking sessions and API keys", () => {
  const keyId = (token: string) => token.split("-")[0];

  it("GET users/me/keys lists the caller's sessions and keys that still work, newest first, marks the one in use, and never shows a secret", async () => {
    const user = await newUser();
    const session = await sessionOf(user);
    const key = (await raw("POST", "/api/v2/users/me/keys", { token: session })).body.key as string;
    const expired = await sessionOf(user);
    await sql`UPDATE api_keys SET expires_at = now() - interval '1 minute' WHERE id = ${keyId(expired)}`;

    const res = await raw("GET", "/api/v2/users/me/keys", { token: session });
    expect(res.status).toBe(200);
    expect(res.body.map((k: { id: string }) => k.id)).toEqual([keyId(key), keyId(session)]);
    const [asKey, asSession] = res.body;
    expect(Object.keys(asKey).sort()).toEqual(["created_at", "current", "expires_at", "id", "last_used", "lifetime_seconds", "login_type", "token_name", "user_id"]);
    expect(asKey).toMatchObject({ user_id: user.id, login_type: "token", token_name: "", current: false, lifetime_seconds: 30 * 24 * 3600 });
    expect(asSession).toMatchObject({ login_type: "password", current: true, lifetime_seconds: 24 * 3600 });
    expect(JSON.stringify(res.body)).not.toContain(session.split("-")[1]);
    expect(JSON.stringify(res.body)).not.toContain(key.split("-")[1]);
    const one = await raw("GET", `/api/v2/users/me/keys/${keyId(key)}`, { token: session });
    expect(one.body).toEqual(asKey);
    expectError(await raw("GET", `/api/v2/users/me/keys/${keyId(expired)}`, { token: session }), 404);
  });

  it("DELETE users/me/keys/{id} revokes it at once (204); the others keep working; again or unknown is 404", async () => {
    const user = await newUser();
    const session = await sessionOf(user);
    const key = (await raw("POST", "/api/v2/users/me/keys", { token: session })).body.key as string;
    const res = await raw("DELETE", `/api/v2/users/me/keys/${keyId(key)}`, { token: session });
    expect(res.status).toBe(204);
    expectError(await raw("GET", "/api/v2/users/me", { token: key }), 401);
    expect((await raw("GET", "/api/v2/users/me", { token: session })).status).toBe(200);
    expectError(await raw("DELETE", `/api/v2/users/me/keys/${keyId(key)}`, { token: session }), 404);
    for (const id of ["AAAAAAAAAA", "short", "x".repeat(200), "%00"]) expectError(await raw("DELETE", `/api/v2/users/me/keys/${id}`, { token: session }), 404);
    // Revoking the session in use signs out.
    expect((await raw("DELETE", `/api/v2/users/me/keys/${keyId(session)}`, { token: session })).status).toBe(204);
    expectError(await raw("GET", "/api/v2/users/me", { token: session }), 401);
  });

  it("a member can neither list nor revoke someone else's keys (404, as if there were none); an admin can, for anyone", async () => {
    const alice = await createTestUser();
    const bob = await createTestUser();
    const admin = await createTestUser("admin");
    expectError(await raw("GET", `/api/v2/users/${bob.username}/keys`, { token: alice.token }), 404);
    expectError(await raw("DELETE", `/api/v2/users/${bob.username}/keys/${keyId(bob.token)}`, { token: alice.token }), 404);
    // Naming someone else's key under one's own user finds nothing either.
    expectError(await raw("DELETE", `/api/v2/users/me/keys/${keyId(bob.token)}`, { token: alice.token }), 404);
    expect((await raw("GET", "/api/v2/users/me", { token: bob.token })).status).toBe(200);

    const listed = await raw("GET", `/api/v2/users/${bob.username}/keys`, { token: admin.token });
    expect(listed.status).toBe(200);
    expect(listed.body.map((k: { id: string }) => k.id)).toContain(keyId(bob.token));
    expect(listed.body.every((k: { current: boolean }) => !k.current)).toBe(true);
    expect((await raw("DELETE", `/api/v2/users/${bob.id}/keys/${keyId(bob.token)}`, { token: admin.token })).status).toBe(204);
    expectError(await raw("GET", "/api/v2/users/me", { token: bob.token }), 401);
  });

  it("expired sessions and keys are purged (the web server does it daily; here the same query, run by hand)", async () => {
    const { createDb } = await import("../../lib/db/client");
    const { purgeExpiredApiKeys } = await import("../../lib/db/queries/users");
    const user = await newUser();
    const live = await sessionOf(user);
    const old = await sessionOf(user);
    await sql`UPDATE api_keys SET expires_at = now() - interval '2 days' WHERE id = ${keyId(old)}`;
    const handle = createDb(inject("databaseUrl"), { max: 1 });
    try {
      expect(await purgeExpiredApiKeys(handle.db)).toBeGreaterThanOrEqual(1);
    } finally {
      await handle.sql.end();
    }
    const ids = (await sql`SELECT id FROM api_keys WHERE user_id = ${user.id}`).map((r) => r.id);
    expect(ids).toEqual([keyId(live)]);
    expect((await sql`SELECT count(*)::int AS n FROM api_keys WHERE expires_at < now()`)[0].n).toBe(0);
  });
});

describe("password hashes at an older cost", () => {
  it("are re-hashed with scrypt N=2^17 at the next successful sign-in, and the password still works", async () => {
    const { scryptSync } = await import("node:crypto");
    const user = await newUser();
    const salt = Buffer.from("0123456789abcdef");
    const old = `scrypt$16384$8$1$${salt.toString("base64")}$${scryptSync("old-cost-password", salt, 64, { N: 16384, r: 8, p: 1 }).toString("base64")}`;
    await sql`UPDATE users SET password_hash = ${old} WHERE id = ${user.id}`;

    expectError(await login(user.email, "wrong-password"), 401);
    expect((await sql`SELECT password_hash FROM users WHERE id = ${user.id}`)[0].password_hash).toBe(old);

    expect((await login(user.email, "old-cost-password")).status).toBe(201);
    const [{ password_hash: upgraded }] = await sql`SELECT password_hash FROM users WHERE id = ${user.id}`;
    expect(upgraded).not.toBe(old);
    expect(upgraded).toMatch(/^scrypt\$131072\$8\$1\$/);
    expect((await login(user.email, "old-cost-password")).status).toBe(201);
    expect((await sql`SELECT password_hash FROM users WHERE id = ${user.id}`)[0].password_hash).toBe(upgraded);
  });

  it("new passwords are hashed with N=2^17 from the start", async () => {
    const user = await newUser();
    expect((await sql`SELECT password_hash FROM users WHERE id = ${user.id}`)[0].password_hash).toMatch(/^scrypt\$131072\$8\$1\$/);
  });
});

describe("secrets at rest", () => {
  it("tokens are stored only as hashes: no api_keys column holds the secret", async () => {
    const user = await createTestUser();
    const key = (await raw("POST", "/api/v2/users/me/keys", { token: user.token })).body.key as string;
    for (const token of [user.token, key]) {
      const [id, secret] = token.split("-");
      const rows = await sql`SELECT * FROM api_keys WHERE id = ${id}`;
      expect(rows).toHaveLength(1);
      const stored = JSON.stringify(rows[0]);
      expect(stored).not.toContain(secret);
      expect(stored).not.toContain(token);
      expect(rows[0].hashed_secret).toMatch(/^[0-9a-f]{64}$/);
      // Nowhere else in the database either.
      const [{ n }] = await sql`SELECT count(*)::int AS n FROM users WHERE password_hash LIKE ${"%" + secret + "%"}`;
      expect(n).toBe(0);
    }
  });

  it("passwords are stored as salted scrypt hashes", async () => {
    const a = await newUser("same-password-1");
    const b = await newUser("same-password-1");
    const rows = await sql`SELECT id, password_hash FROM users WHERE id IN (${a.id}, ${b.id})`;
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      expect(row.password_hash).not.toBe("same-password-1");
      expect(row.password_hash).not.toContain("same-password-1");
      expect(row.password_hash.startsWith("scrypt$")).toBe(true);
    }
    expect(rows[0].password_hash).not.toBe(rows[1].password_hash);
  });
});
