import { describe, expect, it } from "vitest";
import { inject } from "vitest";
import { createTestUser, raw, uniqueName } from "../support/api";
import { testSql } from "../support/db";
import { expectError, expectValidation } from "../support/expect";

const sql = testSql();
const ownerToken = () => inject("ownerToken");

function newUserBody(overrides: Record<string, unknown> = {}) {
  const username = uniqueName("u");
  return { email: `${username}@example.com`, username, password: "password-123", ...overrides };
}

const userCount = async () => (await sql`SELECT count(*)::int AS n FROM users`)[0].n as number;

describe("POST /api/v2/users", () => {
  it("the owner creates a member: 201 with the user, who can log in", async () => {
    const body = newUserBody({ name: "Grace Hopper" });
    const res = await raw("POST", "/api/v2/users", { token: ownerToken(), body });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ username: body.username, email: body.email, name: "Grace Hopper", roles: [{ name: "member" }], status: "active" });
    expect(res.body.id).toMatch(/^[0-9a-f-]{36}$/);
    const login = await raw("POST", "/api/v2/users/login", { body: { email: body.email, password: body.password } });
    expect(login.status).toBe(201);
  });

  it("stores the email lower-cased", async () => {
    const body = newUserBody();
    const res = await raw("POST", "/api/v2/users", { token: ownerToken(), body: { ...body, email: body.email.toUpperCase() } });
    expect(res.status).toBe(201);
    expect(res.body.email).toBe(body.email);
  });

  it("an admin creates members but not admins; the owner creates admins", async () => {
    const admin = await createTestUser("admin");
    expect((await raw("POST", "/api/v2/users", { token: admin.token, body: newUserBody() })).status).toBe(201);
    const before = await userCount();
    expectError(await raw("POST", "/api/v2/users", { token: admin.token, body: newUserBody({ role: "admin" }) }), 403);
    expect(await userCount()).toBe(before);
    const made = await raw("POST", "/api/v2/users", { token: ownerToken(), body: newUserBody({ role: "admin" }) });
    expect(made.status).toBe(201);
    expect(made.body.roles).toEqual([expect.objectContaining({ name: "admin" })]);
  });

  it("a member gets 403 and nothing is created", async () => {
    const member = await createTestUser();
    const before = await userCount();
    expectError(await raw("POST", "/api/v2/users", { token: member.token, body: newUserBody() }), 403);
    expect(await userCount()).toBe(before);
  });

  it("unauthenticated is 401", async () => {
    expectError(await raw("POST", "/api/v2/users", { body: newUserBody() }), 401);
  });

  it("duplicate email or username (any case) is 409", async () => {
    const body = newUserBody();
    expect((await raw("POST", "/api/v2/users", { token: ownerToken(), body })).status).toBe(201);
    const before = await userCount();
    expectError(await raw("POST", "/api/v2/users", { token: ownerToken(), body: newUserBody({ email: body.email }) }), 409);
    expectError(await raw("POST", "/api/v2/users", { token: ownerToken(), body: newUserBody({ email: body.email.toUpperCase() }) }), 409);
    expectError(await raw("POST", "/api/v2/users", { token: ownerToken(), body: newUserBody({ username: body.username }) }), 409);
    expectError(await raw("POST", "/api/v2/users", { token: ownerToken(), body: newUserBody({ username: body.username.toUpperCase() }) }), 409);
    expect(await userCount()).toBe(before);
  });

  it("invalid fields are 400 with validations naming each field", async () => {
    const before = await userCount();
    const cases: [Record<string, unknown>, string][] = [
      [{ email: "nope" }, "email"],
      [{ email: 42 }, "email"],
      [{ username: "" }, "username"],
      [{ username: "two words" }, "username"],
      [{ username: "-dash" }, "username"],
      [{ username: "a".repeat(33) }, "username"],
      [{ username: "bad\u0000name" }, "username"],
      [{ password: "short" }, "password"],
      [{ password: "x".repeat(257) }, "password"],
      [{ password: null }, "password"],
      [{ name: "n".repeat(129) }, "name"],
      [{ role: "owner" }, "role"],
      [{ role: "superuser" }, "role"],
    ];
    for (const [override, field] of cases) {
      expectValidation(await raw("POST", "/api/v2/users", { token: ownerToken(), body: newUserBody(override) }), field);
    }
    const missing = await raw("POST", "/api/v2/users", { token: ownerToken(), body: {} });
    expectValidation(missing, "email");
    expect(missing.body.validations.map((v: { field: string }) => v.field)).toEqual(expect.arrayContaining(["email", "username", "password"]));
    expect(await userCount()).toBe(before);
  });
});

describe("GET /api/v2/users", () => {
  it("lists users with organization_ids; q filters by username or email", async () => {
    const a = await createTestUser();
    const b = await createTestUser();
    const [{ id: orgId }] = await sql`SELECT id FROM organizations WHERE is_default`;

    const all = await raw("GET", "/api/v2/users", { token: ownerToken() });
    expect(all.status).toBe(200);
    expect(all.body.count).toBe(all.body.users.length);
    expect(all.body.users.map((u: { id: string }) => u.id)).toEqual(expect.arrayContaining([a.id, b.id]));
    for (const u of all.body.users) expect(u.organization_ids).toEqual([orgId]);

    const byName = await raw("GET", `/api/v2/users?q=${a.username}`, { token: ownerToken() });
    expect(byName.body.users.map((u: { id: string }) => u.id)).toEqual([a.id]);
    expect(byName.body.count).toBe(1);
    const byEmailPart = await raw("GET", `/api/v2/users?q=${encodeURIComponent(`${b.username.toUpperCase()}@EXAMPLE`)}`, { token: ownerToken() });
    expect(byEmailPart.body.users.map((u: { id: string }) => u.id)).toEqual([b.id]);
    const none = await raw("GET", `/api/v2/users?q=${uniqueName("nobody")}`, { token: ownerToken() });
    expect(none.body).toEqual({ users: [], count: 0 });
  });

  it("q is literal text: LIKE wildcards match only themselves", async () => {
    const everyone = await raw("GET", "/api/v2/users?q=%25", { token: ownerToken() });
    expect(everyone.status).toBe(200);
    expect(everyone.body.count).toBe(0);
    const underscore = await raw("GET", "/api/v2/users?q=_", { token: ownerToken() });
    expect(underscore.body.count).toBe(0);
  });

  it("admins may list; members get 403; no token 401", async () => {
    const admin = await createTestUser("admin");
    const member = await createTestUser();
    expect((await raw("GET", "/api/v2/users", { token: admin.token })).status).toBe(200);
    expectError(await raw("GET", "/api/v2/users", { token: member.token }), 403);
    expectError(await raw("GET", "/api/v2/users"), 401);
  });

  it("a NUL or an oversized q is a 400 on q", async () => {
    expectValidation(await raw("GET", "/api/v2/users?q=%00", { token: ownerToken() }), "q");
    expectValidation(await raw("GET", `/api/v2/users?q=${"a".repeat(300)}`, { token: ownerToken() }), "q");
  });
});

describe("GET /api/v2/users/{user}", () => {
  it("a member sees themselves but gets 404 for anyone else; an admin sees everyone", async () => {
    const member = await createTestUser();
    const other = await createTestUser();
    const admin = await createTestUser("admin");
    expect((await raw("GET", `/api/v2/users/${member.username}`, { token: member.token })).body.id).toBe(member.id);
    // A UUID is the same id in either case.
    expect((await raw("GET", `/api/v2/users/${member.id.toUpperCase()}`, { token: member.token })).body.id).toBe(member.id);
    expectError(await raw("GET", `/api/v2/users/${other.username}`, { token: member.token }), 404);
    expectError(await raw("GET", `/api/v2/users/${other.id}`, { token: member.token }), 404);
    expect((await raw("GET", `/api/v2/users/${other.username}`, { token: admin.token })).body.id).toBe(other.id);
    expect((await raw("GET", `/api/v2/users/${other.id}`, { token: admin.token })).body.id).toBe(other.id);
    expectError(await raw("GET", `/api/v2/users/${uniqueName("ghost")}`, { token: admin.token }), 404);
    expectError(await raw("GET", "/api/v2/users/00000000-0000-4000-8000-000000000000", { token: admin.token }), 404);
  });
});
