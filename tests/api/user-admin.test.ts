import { describe, expect, it } from "vitest";
import { inject } from "vitest";
import { createTestUser, raw, uniqueName, type TestUser } from "../support/api";
import { testSql } from "../support/db";
import { expectError, expectValidation } from "../support/expect";

/** The admin pages' API: listing with filters, invites, roles, suspension (issue 25, point 4). */
const sql = testSql();
const ownerToken = () => inject("ownerToken");

const userRow = async (id: string) => (await sql`SELECT role, status, password_hash FROM users WHERE id = ${id}`)[0];
const me = (token: string) => raw("GET", "/api/v2/users/me", { token });
const put = (path: string, token: string, body?: unknown) => raw("PUT", path, { token, body });

/** A user who signed in with a password (a real session, `login_type: password`) besides their API key. */
async function userWithSession(role: "member" | "admin" = "member") {
  const user = await createTestUser(role);
  const login = await raw("POST", "/api/v2/users/login", { body: { email: `${user.username}@example.com`, password: "password-123" } });
  expect(login.status).toBe(201);
  return { ...user, session: login.body.session_token as string };
}

/** A second owner, made the way the API allows: the owner promotes someone. */
async function newOwner(): Promise<TestUser> {
  const user = await createTestUser("admin");
  expect((await put(`/api/v2/users/${user.id}/roles`, ownerToken(), { roles: ["owner"] })).status).toBe(200);
  return user;
}

describe("GET /api/v2/users filters", () => {
  it("role, status and q (which also matches the display name) narrow the list; last_seen_at follows use", async () => {
    const admin = await createTestUser("admin");
    const member = await createTestUser();
    const admins = await raw("GET", "/api/v2/users?role=admin", { token: ownerToken() });
    expect(admins.status).toBe(200);
    expect(admins.body.users.every((u: { roles: { name: string }[] }) => u.roles[0].name === "admin")).toBe(true);
    expect(admins.body.users.map((u: { id: string }) => u.id)).toContain(admin.id);
    expect(admins.body.users.map((u: { id: string }) => u.id)).not.toContain(member.id);

    await put(`/api/v2/users/${member.id}/status/suspend`, ownerToken());
    const suspended = await raw("GET", "/api/v2/users?status=suspended", { token: ownerToken() });
    expect(suspended.body.users.map((u: { id: string }) => u.id)).toContain(member.id);
    expect(suspended.body.users.every((u: { status: string }) => u.status === "suspended")).toBe(true);
    const activeMembers = await raw("GET", `/api/v2/users?role=member&status=active&q=${member.username}`, { token: ownerToken() });
    expect(activeMembers.body).toEqual({ users: [], count: 0 });

    const named = uniqueName("Ada Lovelace ");
    const body = { email: `${uniqueName("n")}@example.com`, username: uniqueName("n"), name: named, password: "password-123" };
    const created = await raw("POST", "/api/v2/users", { token: ownerToken(), body });
    expect(created.body.last_seen_at).toBeNull();
    const byName = await raw("GET", `/api/v2/users?q=${encodeURIComponent(named.slice(-8))}`, { token: ownerToken() });
    expect(byName.body.users.map((u: { id: string }) => u.id)).toEqual([created.body.id]);

    // The admin's key was just used: their last sighting is recorded (off the request path).
    expect((await me(admin.token)).status).toBe(200);
    await expect.poll(async () => (await raw("GET", `/api/v2/users/${admin.id}`, { token: ownerToken() })).body.last_seen_at, { timeout: 10_000 }).not.toBeNull();
  });

  it("an unknown role or status is a 400 naming it; members get 403", async () => {
    expectValidation(await raw("GET", "/api/v2/users?role=root", { token: ownerToken() }), "role");
    expectValidation(await raw("GET", "/api/v2/users?status=gone", { token: ownerToken() }), "status");
    const member = await createTestUser();
    expectError(await raw("GET", "/api/v2/users?role=owner", { token: member.token }), 403);
  });
});

describe("invites", () => {
  const inviteBody = () => {
    const username = uniqueName("inv");
    return { email: `${username}@example.com`, username, invite: true };
  };
  const codeOf = (url: string) => new URL(url).searchParams.get("code")!;

  it("a user created with invite: true gets a one-time link to choose a password; it signs them in and is then used up", async () => {
    const body = inviteBody();
    const res = await raw("POST", "/api/v2/users", { token: ownerToken(), body });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ username: body.username, status: "invited", roles: [{ name: "member" }] });
    expect(res.body.invite_url).toMatch(/^http:\/\/[^/]+\/invite\?code=[A-Za-z0-9_-]{32}$/);
    expect(new Date(res.body.invite_expires_at).getTime() - Date.now()).toBeGreaterThan(6.9 * 24 * 3600 * 1000);
    const code = codeOf(res.body.invite_url);
    // Only a hash is stored: the code is nowhere in the database.
    const [stored] = await sql`SELECT hashed_code FROM user_invites WHERE user_id = ${res.body.id}`;
    expect(stored.hashed_code).not.toContain(code);
    expect(JSON.stringify(await sql`SELECT * FROM user_invites`)).not.toContain(code);
    // The listing never shows it again.
    expect((await raw("GET", `/api/v2/users?q=${body.username}`, { token: ownerToken() })).text).not.toContain(code);

    // No password yet: no sign-in with anything.
    expectError(await raw("POST", "/api/v2/users/login", { body: { email: body.email, password: "" } }), 401);
    expectError(await raw("POST", "/api/v2/users/login", { body: { email: body.email, password: "password-123" } }), 401);

    const info = await raw("GET", `/api/v2/invites/${code}`);
    expect(info.status).toBe(200);
    expect(info.body).toEqual({ username: body.username, email: body.email, name: "", expires_at: res.body.invite_expires_at });

    expectValidation(await raw("POST", `/api/v2/invites/${code}/accept`, { body: { password: "short" } }), "password");
    const accepted = await raw("POST", `/api/v2/invites/${code}/accept`, { body: { password: "a-new-password" } });
    expect(accepted.status).toBe(201);
    expect(accepted.headers.get("set-cookie")).toContain(`coder_session_token=${accepted.body.session_token}`);
    expect((await me(accepted.body.session_token)).body).toMatchObject({ username: body.username, status: "active" });
    expect((await raw("POST", "/api/v2/users/login", { body: { email: body.email, password: "a-new-password" } })).status).toBe(201);

    // Used up.
    expectError(await raw("GET", `/api/v2/invites/${code}`), 404);
    const again = await raw("POST", `/api/v2/invites/${code}/accept`, { body: { password: "another-password" } });
    expectError(again, 404);
    expect((await raw("POST", "/api/v2/users/login", { body: { email: body.email, password: "a-new-password" } })).status).toBe(201);
  });

  it("a wrong or malformed code is a 404 that changes nothing; a suspended invitee's link is dead until reactivated", async () => {
    for (const bad of ["x", "A".repeat(32), "a.b", "a".repeat(500)]) {
      expectError(await raw("GET", `/api/v2/invites/${bad}`), 404);
      expectError(await raw("POST", `/api/v2/invites/${bad}/accept`, { body: { password: "password-123" } }), 404);
    }
    const res = await raw("POST", "/api/v2/users", { token: ownerToken(), body: inviteBody() });
    const code = codeOf(res.body.invite_url);
    expect((await put(`/api/v2/users/${res.body.id}/status/suspend`, ownerToken())).body.status).toBe("suspended");
    expectError(await raw("GET", `/api/v2/invites/${code}`), 404);
    expectError(await raw("POST", `/api/v2/invites/${code}/accept`, { body: { password: "password-123" } }), 404);
    expect((await userRow(res.body.id)).status).toBe("suspended");
    // Back to `invited`, not `active`: they never chose a password.
    expect((await put(`/api/v2/users/${res.body.id}/status/activate`, ownerToken())).body.status).toBe("invited");
    expect((await raw("GET", `/api/v2/invites/${code}`)).status).toBe(200);
  });

  it("password and invite together, or neither, are 400s that create nothing; an admin invites members", async () => {
    const before = (await sql`SELECT count(*)::int AS n FROM users`)[0].n;
    const body = inviteBody();
    expectValidation(await raw("POST", "/api/v2/users", { token: ownerToken(), body: { ...body, password: "password-123" } }), "invite");
    const { invite: _unused, ...neither } = body;
    expectValidation(await raw("POST", "/api/v2/users", { token: ownerToken(), body: neither }), "password");
    expectValidation(await raw("POST", "/api/v2/users", { token: ownerToken(), body: { ...body, invite: "yes" } }), "invite");
    expect((await sql`SELECT count(*)::int AS n FROM users`)[0].n).toBe(before);
    const admin = await createTestUser("admin");
    expect((await raw("POST", "/api/v2/users", { token: admin.token, body: inviteBody() })).status).toBe(201);
    const member = await createTestUser();
    expectError(await raw("POST", "/api/v2/users", { token: member.token, body: inviteBody() }), 403);
  });
});

describe("PUT /api/v2/users/{user}/roles", () => {
  it("the owner changes a role, and it counts from the user's very next request", async () => {
    const member = await createTestUser();
    expectError(await raw("GET", "/api/v2/users", { token: member.token }), 403);
    const promoted = await put(`/api/v2/users/${member.username}/roles`, ownerToken(), { roles: ["admin"] });
    expect(promoted.status).toBe(200);
    expect(promoted.body).toMatchObject({ id: member.id, roles: [{ name: "admin", display_name: "Admin" }] });
    expect((await raw("GET", "/api/v2/users", { token: member.token })).status).toBe(200);
    // `[]` is member, as Coder's site roles without any are.
    expect((await put(`/api/v2/users/${member.id}/roles`, ownerToken(), { roles: [] })).body.roles[0].name).toBe("member");
    expectError(await raw("GET", "/api/v2/users", { token: member.token }), 403);
  });

  it("admins and members get 403, bad bodies 400, unknown users 404 — and nothing changes", async () => {
    const target = await createTestUser();
    const admin = await createTestUser("admin");
    expectError(await put(`/api/v2/users/${target.id}/roles`, admin.token, { roles: ["admin"] }), 403, "Only an owner can change roles.");
    expectError(await put(`/api/v2/users/${target.id}/roles`, target.token, { roles: ["admin"] }), 403);
    expectError(await put(`/api/v2/users/${admin.id}/roles`, target.token, { roles: ["member"] }), 403);
    for (const [body, field] of [
      [{ roles: ["root"] }, "roles.0"],
      [{ roles: ["admin", "member"] }, "roles"],
      [{ roles: "admin" }, "roles"],
      [{}, "roles"],
    ] as const) {
      expectValidation(await put(`/api/v2/users/${target.id}/roles`, ownerToken(), body), field);
    }
    expectError(await put(`/api/v2/users/${uniqueName("ghost")}/roles`, ownerToken(), { roles: ["admin"] }), 404);
    expectError(await put("/api/v2/users/bad.name/roles", ownerToken(), { roles: ["admin"] }), 404);
    expect((await userRow(target.id)).role).toBe("member");
    expect((await userRow(admin.id)).role).toBe("admin");
  });

  it("nobody changes their own role; two owners demoting each other at once leave one of them an owner", async () => {
    const [{ id: ownerId }] = await sql`SELECT id FROM users WHERE role = 'owner' ORDER BY created_at LIMIT 1`;
    expectError(await put("/api/v2/users/me/roles", ownerToken(), { roles: ["member"] }), 400, "You cannot change your own role.");
    expectError(await put(`/api/v2/users/${ownerId}/roles`, ownerToken(), { roles: ["admin"] }), 400);
    expect((await userRow(ownerId)).role).toBe("owner");

    for (let round = 0; round < 3; round++) {
      const a = await newOwner();
      const b = await newOwner();
      const [ab, ba] = await Promise.all([
        put(`/api/v2/users/${b.id}/roles`, a.token, { roles: ["member"] }),
        put(`/api/v2/users/${a.id}/roles`, b.token, { roles: ["member"] }),
      ]);
      // One wins; the other finds it is no longer an owner.
      expect([ab.status, ba.status].sort()).toEqual([200, 403]);
      const roles = [(await userRow(a.id)).role, (await userRow(b.id)).role].sort();
      expect(roles).toEqual(["member", "owner"]);
    }
  });
});

describe("suspension", () => {
  it("refuses a suspended user's session, cookie and API key on their very next request, and ends their sessions", async () => {
    const user = await userWithSession();
    expect((await me(user.session)).status).toBe(200);
    expect((await me(user.token)).status).toBe(200);
    const res = await put(`/api/v2/users/${user.id}/status/suspend`, ownerToken());
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: user.id, status: "suspended" });
    // No wait of any kind: the cached callers were dropped with the change.
    expectError(await me(user.token), 401, "Your account is suspended.");
    expectError(await me(user.session), 401);
    expectError(await raw("GET", "/api/v2/tasks", { headers: { Cookie: `coder_session_token=${user.session}` } }), 401);
    expectError(await raw("GET", "/api/v2/tasks", { headers: { Authorization: `Bearer ${user.token}` } }), 401);
    expectError(await raw("POST", "/api/v2/users/me/keys", { token: user.token }), 401);
    // Sign-in is refused too, with the right password.
    expectError(await raw("POST", "/api/v2/users/login", { body: { email: `${user.username}@example.com`, password: "password-123" } }), 401, "Your account is suspended.");
    const keys = await sql`SELECT login_type FROM api_keys WHERE user_id = ${user.id}`;
    expect(keys.map((k) => k.login_type)).toEqual(["token"]);
    // Suspending again is the same answer.
    expect((await put(`/api/v2/users/${user.id}/status/suspend`, ownerToken())).body.status).toBe("suspended");

    const back = await put(`/api/v2/users/${user.id}/status/activate`, ownerToken());
    expect(back.body).toMatchObject({ id: user.id, status: "active" });
    // The API key works again; the old session stays gone; a new sign-in works.
    expect((await me(user.token)).status).toBe(200);
    expectError(await me(user.session), 401);
    const login = await raw("POST", "/api/v2/users/login", { body: { email: `${user.username}@example.com`, password: "password-123" } });
    expect(login.status).toBe(201);
    expect((await me(login.body.session_token)).status).toBe(200);
  });

  it("admins suspend members but not admins or owners; members nobody; nobody themselves", async () => {
    const admin = await createTestUser("admin");
    const otherAdmin = await createTestUser("admin");
    const member = await createTestUser();
    const victim = await createTestUser();
    expectError(await put(`/api/v2/users/${otherAdmin.id}/status/suspend`, admin.token), 403, "Only an owner can suspend or reactivate owners and admins.");
    const [{ id: ownerId }] = await sql`SELECT id FROM users WHERE role = 'owner' ORDER BY created_at LIMIT 1`;
    expectError(await put(`/api/v2/users/${ownerId}/status/suspend`, admin.token), 403);
    expectError(await put(`/api/v2/users/${victim.id}/status/suspend`, member.token), 403);
    expectError(await put(`/api/v2/users/${victim.id}/status/activate`, member.token), 403);
    expectError(await put("/api/v2/users/me/status/suspend", admin.token), 400, "You cannot suspend or reactivate yourself.");
    expectError(await put(`/api/v2/users/${admin.username}/status/suspend`, admin.token), 400);
    expectError(await put("/api/v2/users/me/status/suspend", ownerToken()), 400);
    expectError(await put(`/api/v2/users/${uniqueName("ghost")}/status/suspend`, ownerToken()), 404);
    for (const id of [admin.id, otherAdmin.id, member.id, victim.id, ownerId]) expect((await userRow(id)).status).toBe("active");
    expect((await me(ownerToken())).status).toBe(200);

    expect((await put(`/api/v2/users/${victim.id}/status/suspend`, admin.token)).status).toBe(200);
    expectError(await me(victim.token), 401);
    expect((await put(`/api/v2/users/${victim.id}/status/activate`, admin.token)).body.status).toBe("active");
    expect((await me(victim.token)).status).toBe(200);
    // An owner suspends an admin; the admin's powers stop with their requests.
    expect((await put(`/api/v2/users/${otherAdmin.id}/status/suspend`, ownerToken())).status).toBe(200);
    expectError(await raw("GET", "/api/v2/users", { token: otherAdmin.token }), 401);
  });

  it("two owners suspending each other at once leave one of them active", async () => {
    for (let round = 0; round < 3; round++) {
      const a = await newOwner();
      const b = await newOwner();
      const [ab, ba] = await Promise.all([put(`/api/v2/users/${b.id}/status/suspend`, a.token), put(`/api/v2/users/${a.id}/status/suspend`, b.token)]);
      // The loser was suspended before its turn came: refused under the lock (403), or already at the door (401).
      expect([ab.status, ba.status].filter((s) => s === 200)).toHaveLength(1);
      for (const r of [ab, ba]) expect([200, 401, 403]).toContain(r.status);
      const statuses = [(await userRow(a.id)).status, (await userRow(b.id)).status].sort();
      expect(statuses).toEqual(["active", "suspended"]);
    }
  });
});

describe("POST /api/v2/users/{user}/keys with a name and a lifetime", () => {
  it("names a key and sets when it expires; the list shows both", async () => {
    const user = await createTestUser();
    const name = `ci ${uniqueName("")}`;
    const res = await raw("POST", "/api/v2/users/me/keys", { token: user.token, body: { token_name: name, lifetime_seconds: 2 * 3600 } });
    expect(res.status).toBe(201);
    const id = res.body.key.split("-")[0];
    expect((await me(res.body.key)).status).toBe(200);
    const listed = (await raw("GET", "/api/v2/users/me/keys", { token: user.token })).body.find((k: { id: string }) => k.id === id);
    expect(listed).toMatchObject({ login_type: "token", token_name: name, lifetime_seconds: 7200 });
    expect(Math.abs(new Date(listed.expires_at).getTime() - (Date.now() + 7200_000))).toBeLessThan(60_000);
    // Without a body: as before, unnamed, 30 days.
    const plain = await raw("POST", "/api/v2/users/me/keys", { token: user.token });
    expect(plain.status).toBe(201);
    const plainInfo = (await raw("GET", `/api/v2/users/me/keys/${plain.body.key.split("-")[0]}`, { token: user.token })).body;
    expect(plainInfo).toMatchObject({ token_name: "", lifetime_seconds: 30 * 24 * 3600 });
  });

  it("a taken name (any case) is a 409; a bad name or lifetime a 400 naming it — and no key is made", async () => {
    const user = await createTestUser();
    expect((await raw("POST", "/api/v2/users/me/keys", { token: user.token, body: { token_name: "Deploy" } })).status).toBe(201);
    const count = async () => (await sql`SELECT count(*)::int AS n FROM api_keys WHERE user_id = ${user.id}`)[0].n;
    const before = await count();
    expectError(await raw("POST", "/api/v2/users/me/keys", { token: user.token, body: { token_name: "deploy" } }), 409);
    for (const [body, field] of [
      [{ token_name: "" }, "token_name"],
      [{ token_name: "   " }, "token_name"],
      [{ token_name: "x".repeat(65) }, "token_name"],
      [{ token_name: "a\nb" }, "token_name"],
      [{ token_name: 5 }, "token_name"],
      [{ lifetime_seconds: 59 }, "lifetime_seconds"],
      [{ lifetime_seconds: 1.5 * 3600 + 0.5 }, "lifetime_seconds"],
      [{ lifetime_seconds: 400 * 24 * 3600 }, "lifetime_seconds"],
      [{ lifetime_seconds: "3600" }, "lifetime_seconds"],
    ] as const) {
      expectValidation(await raw("POST", "/api/v2/users/me/keys", { token: user.token, body }), field);
    }
    expectError(await raw("POST", "/api/v2/users/me/keys", { token: user.token, rawBody: "{", headers: { "content-type": "application/json" } }), 400);
    expect(await count()).toBe(before);
    // Another user may use the same name.
    const other = await createTestUser();
    expect((await raw("POST", "/api/v2/users/me/keys", { token: other.token, body: { token_name: "Deploy" } })).status).toBe(201);
  });
});
