import { beforeAll, describe, expect, inject, it } from "vitest";
import { baseUrl, createTestUser, echoTemplateVersion, raw, uniqueName, type TestUser } from "../support/api";
import { testSql } from "../support/db";
import { expectError } from "../support/expect";
import { rawHttp } from "../support/http";

/**
 * What another site's page can make a browser send: a form post (urlencoded, multipart or
 * text/plain, no preflight) or a fetch, always with `Origin` (and `Sec-Fetch-Site` in current
 * browsers). None of it may change anything here, on the public routes (sign-in, first user) too.
 */
const sql = testSql();

let alice: TestUser;
let version: string;
let task: { id: string; name: string };

beforeAll(async () => {
  alice = await createTestUser();
  version = await echoTemplateVersion();
  task = (await raw("POST", "/api/v2/tasks/me", { token: alice.token, body: { input: "cross-site target", template_version_id: version, name: "cross-site" } })).body;
});

/** Every state-changing route of a user or the public, with a body that would succeed. */
const routes = () =>
  [
    { method: "POST", path: "/api/v2/users/first", auth: false, body: { email: "x@example.com", username: "x", password: "password-1" } },
    { method: "POST", path: "/api/v2/users/login", auth: false, body: { email: `${alice.username}@example.com`, password: "password-123" } },
    { method: "POST", path: "/api/v2/users", auth: "owner", body: { email: "y@example.com", username: uniqueName("y"), password: "password-1" } },
    { method: "POST", path: "/api/v2/users/me/keys", auth: true },
    { method: "POST", path: "/api/v2/tasks/me", auth: true, body: { input: "x", template_version_id: version } },
    { method: "PATCH", path: `/api/v2/tasks/me/${task.id}/input`, auth: true, body: { input: "x" } },
    { method: "PATCH", path: `/api/v2/tasks/me/${task.id}/prompt`, auth: true, body: { prompt: "x" } },
    { method: "POST", path: `/api/v2/tasks/me/${task.id}/send`, auth: true, body: { input: "x" } },
    { method: "POST", path: `/api/v2/tasks/me/${task.id}/pause`, auth: true },
    { method: "POST", path: `/api/v2/tasks/me/${task.id}/resume`, auth: true },
    { method: "DELETE", path: `/api/v2/tasks/me/${task.id}`, auth: true },
    { method: "POST", path: "/api/v2/users/logout", auth: true },
    { method: "POST", path: "/api/v2/workspaceagents/me/lifecycle", auth: false, body: { state: "ready" } },
  ] as const;

async function state() {
  const tasks = await sql`SELECT id, prompt, updated_at, deleted_at FROM tasks WHERE owner_id = ${alice.id} ORDER BY id`;
  const builds = await sql`SELECT count(*)::int AS n FROM workspace_builds wb JOIN tasks t ON t.workspace_id = wb.workspace_id WHERE t.owner_id = ${alice.id}`;
  const users = await sql`SELECT count(*)::int AS n FROM users`;
  const keys = await sql`SELECT count(*)::int AS n FROM api_keys WHERE user_id = ${alice.id}`;
  return { tasks, builds: builds[0].n, users: users[0].n, keys: keys[0].n };
}

function tokenFor(auth: boolean | "owner") {
  return auth === "owner" ? inject("ownerToken") : auth ? alice.token : undefined;
}

describe("the same-origin rule for every request that changes state", () => {
  it("a foreign Origin is a 403 on every route, public ones included, with a token header or a cookie, and changes nothing", async () => {
    const before = await state();
    for (const route of routes()) {
      const token = tokenFor(route.auth);
      for (const origin of ["https://evil.example.com", "null", `http://127.0.0.1:1`]) {
        for (const how of ["header", "cookie"] as const) {
          const headers: Record<string, string> = { Origin: origin };
          if (token && how === "header") headers["Coder-Session-Token"] = token;
          if (token && how === "cookie") headers.Cookie = `coder_session_token=${token}`;
          const res = await raw(route.method, route.path, { headers, body: "body" in route ? route.body : undefined });
          expectError(res, 403);
          expect(res.headers.get("set-cookie"), `${route.method} ${route.path}`).toBeNull();
        }
      }
    }
    expect(await state()).toEqual(before);
  });

  it("so is Sec-Fetch-Site: cross-site or same-site, whatever Origin claims", async () => {
    const before = await state();
    for (const route of routes()) {
      for (const site of ["cross-site", "same-site"]) {
        const headers: Record<string, string> = { "Sec-Fetch-Site": site, Origin: baseUrl() };
        const token = tokenFor(route.auth);
        if (token) headers["Coder-Session-Token"] = token;
        expectError(await raw(route.method, route.path, { headers, body: "body" in route ? route.body : undefined }), 403);
      }
    }
    expect(await state()).toEqual(before);
  });

  it("a browser on our own origin, and clients that send no Origin (CLI, curl, Coder's), are let through", async () => {
    const ours = await raw("POST", "/api/v2/users/login", {
      headers: { Origin: baseUrl(), "Sec-Fetch-Site": "same-origin" },
      body: { email: `${alice.username}@example.com`, password: "password-123" },
    });
    expect(ours.status).toBe(201);
    const noOrigin = await raw("POST", "/api/v2/users/login", { body: { email: `${alice.username}@example.com`, password: "password-123" } });
    expect(noOrigin.status).toBe(201);
    expect((await raw("PATCH", `/api/v2/tasks/me/${task.id}/prompt`, { token: alice.token, headers: { Origin: baseUrl() }, body: { prompt: "from the dashboard" } })).status).toBe(204);
    // Behind a proxy that passes on its own Host, the browser's Sec-Fetch-Site still says "ours".
    const proxied = await raw("PATCH", `/api/v2/tasks/me/${task.id}/prompt`, {
      token: alice.token,
      headers: { Origin: "https://taskyard.example.com", "Sec-Fetch-Site": "same-origin" },
      body: { prompt: "through a proxy" },
    });
    expect(proxied.status).toBe(204);
    // Reading is never refused for its origin (a browser will not let the other site see the answer anyway).
    expect((await raw("GET", "/api/v2/users/me", { token: alice.token, headers: { Origin: "https://evil.example.com", "Sec-Fetch-Site": "cross-site" } })).status).toBe(200);
  });
});

describe("JSON only", () => {
  // An agent route checks its token first (401): agents are covered in agent-routes.test.ts.
  const bodyRoutes = () => routes().filter((r) => "body" in r && !r.path.includes("workspaceagents"));

  it("a body route answers 415 to anything but a JSON content type, before reading it, and changes nothing", async () => {
    const before = await state();
    for (const route of bodyRoutes()) {
      const token = tokenFor(route.auth);
      const json = JSON.stringify((route as { body?: unknown }).body);
      for (const type of [undefined, "text/plain", "text/plain;charset=UTF-8", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/jsonx", "text/json"]) {
        const headers: Record<string, string> = token ? { "Coder-Session-Token": token } : {};
        if (type) headers["content-type"] = type;
        const res = await rawHttp(route.method, route.path, { headers, body: json });
        expectError(res, 415, "Content-Type must be application/json.");
      }
    }
    expect(await state()).toEqual(before);
  });

  it("application/json with parameters, or a +json type, is JSON", async () => {
    for (const type of ["application/json; charset=utf-8", "Application/JSON", "application/vnd.taskyard+json"]) {
      const res = await rawHttp("PATCH", `/api/v2/tasks/me/${task.id}/prompt`, {
        headers: { "Coder-Session-Token": alice.token, "content-type": type },
        body: JSON.stringify({ prompt: `typed ${type}` }),
      });
      expect(res.status, type).toBe(204);
    }
  });
});
