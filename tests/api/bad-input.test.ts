import { beforeAll, describe, expect, inject, it } from "vitest";
import { createTestUser, echoTemplateVersion, raw, type TestUser } from "../support/api";
import { testSql } from "../support/db";
import { expectClientError, expectValidation } from "../support/expect";
import { rawHttp } from "../support/http";

const sql = testSql();

let alice: TestUser;
let version: string;
let task: { id: string; name: string; workspace_id: string };
let templateId: string;

beforeAll(async () => {
  alice = await createTestUser();
  version = await echoTemplateVersion();
  task = (await raw("POST", "/api/v2/tasks/me", { token: alice.token, body: { input: "Untouchable prompt", template_version_id: version, name: "sweep-target" } })).body;
  templateId = (await raw("GET", "/api/v2/organizations/default/templates/echo", { token: alice.token })).body.id;
});

/** What the sweep must never change: alice's tasks, their prompts and builds, and the users table. */
async function state() {
  const tasks = await sql`SELECT id, name, display_name, prompt, updated_at, deleted_at FROM tasks WHERE owner_id = ${alice.id} ORDER BY id`;
  const builds = await sql`SELECT count(*)::int AS n FROM workspace_builds WHERE workspace_id = ${task.workspace_id}`;
  const users = await sql`SELECT count(*)::int AS n FROM users`;
  const keys = await sql`SELECT count(*)::int AS n FROM api_keys WHERE user_id = ${alice.id}`;
  return { tasks, builds: builds[0].n, users: users[0].n, keys: keys[0].n };
}

/** Every route that takes a JSON body, with a body that would succeed. */
const bodyRoutes = () =>
  [
    { method: "POST", path: "/api/v2/users/first", auth: false, valid: { email: "z@example.com", username: "z", password: "password-1" } },
    { method: "POST", path: "/api/v2/users/login", auth: false, valid: { email: "z@example.com", password: "password-1" } },
    { method: "POST", path: "/api/v2/users", auth: "owner", valid: { email: "z@example.com", username: "z", password: "password-1" } },
    { method: "POST", path: "/api/v2/tasks/me", auth: true, valid: { input: "x", template_version_id: version } },
    { method: "POST", path: "/api/experimental/tasks/me", auth: true, valid: { input: "x", template_version_id: version } },
    { method: "PATCH", path: `/api/v2/tasks/me/${task.id}/input`, auth: true, valid: { input: "x" } },
    { method: "PATCH", path: `/api/v2/tasks/me/${task.id}/prompt`, auth: true, valid: { prompt: "x" } },
    { method: "POST", path: `/api/v2/tasks/me/${task.id}/send`, auth: true, valid: { input: "x" } },
    { method: "PATCH", path: `/api/experimental/tasks/me/${task.name}/input`, auth: true, valid: { input: "x" } },
    { method: "POST", path: `/api/experimental/tasks/me/${task.name}/send`, auth: true, valid: { input: "x" } },
    { method: "POST", path: "/api/v2/git-providers", auth: "owner", valid: { kind: "generic", host: "z.example.com" } },
    { method: "POST", path: "/api/v2/users/me/git-credentials", auth: true, valid: { host: "z.example.com", token: "x" } },
  ] as const;

function send(method: string, path: string, body: string | Buffer, token?: string, headers: Record<string, string> = {}) {
  return rawHttp(method, path, {
    headers: { "content-type": "application/json", ...(token ? { "Coder-Session-Token": token } : {}), ...headers },
    body,
  });
}

describe("malformed bodies are a 400 on `body`, never a 5xx, and change nothing", () => {
  const malformed: [string, string | Buffer][] = [
    ["truncated JSON", '{"input": '],
    ["unquoted keys", "{input: 1}"],
    ["single quotes", "{'input': 'x'}"],
    ["trailing garbage", '{"input": "x"} x'],
    ["invalid UTF-8", Buffer.from([0x7b, 0x22, 0x69, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d])],
    ["empty", ""],
    ["whitespace", "  \n "],
    ["NaN", '{"input": NaN}'],
  ];
  const wrongShape: [string, string][] = [
    ["null", "null"],
    ["an array", '[{"input": "x"}]'],
    ["an empty array", "[]"],
    ["a string", '"input"'],
    ["a number", "42"],
    ["true", "true"],
  ];

  it("for every body route", async () => {
    const before = await state();
    for (const route of bodyRoutes()) {
      const token = route.auth === "owner" ? inject("ownerToken") : route.auth ? alice.token : undefined;
      for (const [label, body] of malformed) {
        const res = await send(route.method, route.path, body, token);
        expectValidation(res, "body");
        expect(res.status, `${route.method} ${route.path} with ${label}`).toBe(400);
      }
      for (const [label, body] of wrongShape) {
        const res = await send(route.method, route.path, body, token);
        expect(res.status, `${route.method} ${route.path} with ${label}`).toBe(400);
        expectClientError(res);
        expect(res.body.validations?.length, `${label}: validations`).toBeGreaterThan(0);
      }
    }
    expect(await state()).toEqual(before);
  });

  it("a 2 MB body is a 413 whether or not its length is declared", async () => {
    const before = await state();
    const big = JSON.stringify({ input: "x".repeat(2 * 1024 * 1024), template_version_id: version, email: "a", password: "b", prompt: "c" });
    for (const route of bodyRoutes()) {
      const token = route.auth === "owner" ? inject("ownerToken") : route.auth ? alice.token : undefined;
      const declared = await send(route.method, route.path, big, token);
      expectValidation(declared, "body", 413);
      const chunked = await send(route.method, route.path, big, token, { "transfer-encoding": "chunked" });
      expectValidation(chunked, "body", 413);
    }
    expect(await state()).toEqual(before);
  });

  it("a body just under 1 MiB is still read (the prompt in it has its own, smaller limit)", async () => {
    const body = JSON.stringify({ prompt: "Padded prompt" }) + " ".repeat(1024 * 1024 - 100);
    const res = await send("PATCH", `/api/v2/tasks/me/${task.id}/prompt`, body, alice.token);
    expect(res.status).toBe(204);
    expect((await sql`SELECT prompt FROM tasks WHERE id = ${task.id}`)[0].prompt).toBe("Padded prompt");
    await raw("PATCH", `/api/v2/tasks/me/${task.id}/prompt`, { token: alice.token, body: { prompt: "Untouchable prompt" } });
  });

  it("deeply nested JSON is a 400, not a stack overflow", async () => {
    const deep = '{"input": ' + "[".repeat(50_000) + "]".repeat(50_000) + "}";
    const res = await send("PATCH", `/api/v2/tasks/me/${task.id}/input`, deep, alice.token);
    expectClientError(res);
    const deepObject = "{\"a\":".repeat(20_000) + "1" + "}".repeat(20_000);
    expectClientError(await send("POST", "/api/v2/tasks/me", deepObject, alice.token));
  });
});

describe("wrong types, NUL bytes and unknown enum values name the field", () => {
  it("create task", async () => {
    const before = await state();
    const base = { input: "x", template_version_id: version };
    const cases: [Record<string, unknown>, string][] = [
      [{ input: 1 }, "input"],
      [{ input: { $gt: "" } }, "input"],
      [{ input: "\u0000" }, "input"],
      [{ input: "ok\u0000ok" }, "input"],
      [{ input: 1e999 }, "input"],
      [{ template_version_id: 7 }, "template_version_id"],
      [{ template_version_id: "\u0000" }, "template_version_id"],
      [{ template_version_id: `${version}\u0000` }, "template_version_id"],
      [{ template_version_id: `{${version}}` }, "template_version_id"],
      [{ template_version_id: version.replaceAll("-", "") }, "template_version_id"],
      [{ template_version_preset_id: "\u0000" }, "template_version_preset_id"],
      [{ template_version_preset_id: [] }, "template_version_preset_id"],
      [{ name: "\u0000" }, "name"],
      [{ name: "a\u0000b" }, "name"],
      [{ name: {} }, "name"],
      [{ display_name: "\u0000" }, "display_name"],
      [{ display_name: ["a"] }, "display_name"],
    ];
    for (const [override, field] of cases) {
      expectValidation(await raw("POST", "/api/v2/tasks/me", { token: alice.token, body: { ...base, ...override } }), field);
    }
    expect(await state()).toEqual(before);
  });

  it("lone surrogates and odd unicode in text are stored or refused, never a 5xx", async () => {
    for (const input of ["\ud800", "a\udfffb", "\u202e\u200b", "😀".repeat(100), "\uffff"]) {
      const raw1 = `{"prompt": ${JSON.stringify(input)}}`;
      const res = await send("PATCH", `/api/v2/tasks/me/${task.id}/prompt`, raw1, alice.token);
      expect(res.status, JSON.stringify(input)).toBeLessThan(500);
    }
    await raw("PATCH", `/api/v2/tasks/me/${task.id}/prompt`, { token: alice.token, body: { prompt: "Untouchable prompt" } });
  });

  it("users, login and first user", async () => {
    const before = await state();
    for (const [path, body, field] of [
      ["/api/v2/users/login", { email: "a\u0000@example.com", password: "x" }, "email"],
      ["/api/v2/users/login", { email: "a@example.com", password: "\u0000" }, "password"],
      ["/api/v2/users/login", { email: ["a"], password: "x" }, "email"],
      ["/api/v2/users/login", { email: "a@example.com", password: "p".repeat(300) }, "password"],
      ["/api/v2/users/first", { email: "a@example.com", username: "\u0000", password: "password-1" }, "username"],
      ["/api/v2/users/first", { email: "a@example.com", username: "a", password: "password-1", name: "\u0000" }, "name"],
    ] as const) {
      expectValidation(await raw("POST", path, { body }), field);
    }
    const owner = inject("ownerToken");
    for (const [body, field] of [
      [{ email: "a@example.com", username: "okname", password: "password-1", role: "root" }, "role"],
      [{ email: "a@example.com", username: "okname", password: "password-1", role: 1 }, "role"],
      [{ email: "a\u0000b@example.com", username: "okname", password: "password-1" }, "email"],
      [{ email: "a@example.com", username: "okname", password: "pass\u0000word-1" }, "password"],
    ] as const) {
      expectValidation(await raw("POST", "/api/v2/users", { token: owner, body }), field);
    }
    expect(await state()).toEqual(before);
  });
});

describe("odd path segments are a 4xx in the error shape", () => {
  const segments = [
    "%00",
    "a%00b",
    "%0A",
    "%E0%A4%A",
    "%ff",
    "%C0%AF",
    "%",
    "%2F",
    "a%2Fb",
    "%5C",
    "%20",
    "'%20OR%201=1--",
    "%22",
    "%C3%BC",
    "%F0%9F%98%80",
    "x".repeat(5000),
    "new",
    "00000000-0000-0000-0000-000000000000",
    "FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF",
    "not-a-uuid",
    "1",
  ];

  it("in every parameter of every route", async () => {
    const before = await state();
    const templates = (s: string) => [
      // By name, so {user} must resolve (a task id is found whatever {user} says, as api.md allows).
      ["GET", `/api/v2/tasks/${s}/${task.name}`],
      ["PATCH", `/api/v2/tasks/${s}/${task.name}/input`],
      ["GET", `/api/v2/tasks/me/${s}`],
      ["GET", `/api/v2/tasks/${s}/${s}`],
      ["DELETE", `/api/v2/tasks/me/${s}`],
      ["GET", `/api/v2/tasks/me/${s}/logs`],
      ["PATCH", `/api/v2/tasks/me/${s}/input`],
      ["PATCH", `/api/v2/tasks/me/${s}/prompt`],
      ["POST", `/api/v2/tasks/me/${s}/send`],
      ["POST", `/api/v2/tasks/me/${s}/pause`],
      ["POST", `/api/v2/tasks/me/${s}/resume`],
      ["POST", `/api/v2/tasks/${s}`],
      ["GET", `/api/experimental/tasks/me/${s}`],
      ["POST", `/api/experimental/tasks/${s}`],
      ["GET", `/api/v2/users/${s}`],
      ["POST", `/api/v2/users/${s}/keys`],
      ["GET", `/api/v2/users/${s}/git-credentials`],
      ["POST", `/api/v2/users/${s}/git-credentials`],
      ["DELETE", `/api/v2/users/me/git-credentials/${s}`],
      ["GET", `/api/v2/users/${s}/webhooks`],
      ["POST", `/api/v2/users/${s}/webhooks`],
      ["PATCH", `/api/v2/users/me/webhooks/${s}`],
      ["DELETE", `/api/v2/users/me/webhooks/${s}`],
      ["POST", `/api/v2/users/me/webhooks/${s}/secret`],
      ["GET", `/api/v2/users/me/webhooks/${s}/deliveries`],
      ["POST", `/api/v2/users/me/webhooks/${s}/test`],
      ["DELETE", `/api/v2/git-providers/${s}`],
      ["GET", `/api/v2/organizations/${s}/templates`],
      ["GET", `/api/v2/organizations/${s}/templates/echo`],
      ["GET", `/api/v2/organizations/default/templates/${s}`],
      ["GET", `/api/v2/templates/${s}`],
      ["GET", `/api/v2/templateversions/${s}`],
      ["GET", `/api/v2/templateversions/${s}/presets`],
    ];
    const bodies: Record<string, string> = {
      PATCH: JSON.stringify({ input: "changed", prompt: "changed" }),
      POST: JSON.stringify({ input: "changed", template_version_id: version }),
    };
    for (const segment of segments) {
      for (const [method, path] of templates(segment)) {
        const res = await rawHttp(method, path, {
          headers: { "Coder-Session-Token": alice.token, "content-type": "application/json" },
          body: bodies[method],
        });
        expect(res.status, `${method} ${path.slice(0, 120)} → ${res.status} ${res.text.slice(0, 200)}`).toBeGreaterThanOrEqual(400);
        expect(res.status, `${method} ${path.slice(0, 120)} → ${res.status} ${res.text.slice(0, 200)}`).toBeLessThan(500);
        expectClientError(res);
      }
    }
    expect(await state()).toEqual(before);
  });

  it("dot segments are normalised away, never reaching a handler as `..`", async () => {
    for (const path of [`/api/v2/tasks/me/${task.id}/..`, "/api/v2/tasks/me/%2e%2e", "/api/v2/tasks/me/.", "/api/v2/users/../users/me"]) {
      const res = await rawHttp("GET", path, { headers: { "Coder-Session-Token": alice.token } });
      expect(res.status, path).toBeLessThan(500);
      if (res.status >= 300 && res.status < 400) expect(res.headers.location).not.toMatch(/\.\.|%2e/i);
    }
  });
});

describe("queries", () => {
  it("task list q: NUL, bad escapes, huge, unknown keys and values are 400 on q", async () => {
    for (const q of ["%00", "owner%3A%00", "status%3A%00", "search%3Ax%00", "x".repeat(5000), "%E0%A4%A", "status%3Aunknown-value", "nope%3Ax", "owner%3A%C3%BC"]) {
      const res = await rawHttp("GET", `/api/v2/tasks?q=${q}`, { headers: { "Coder-Session-Token": alice.token } });
      expectValidation(res, "q");
    }
  });

  it("a URL too long for the server is a 4xx", async () => {
    // Past Node's 16 KiB header limit: the HTTP server itself refuses it (431).
    const res = await rawHttp("GET", `/api/v2/tasks?q=${"x".repeat(20_000)}`, { headers: { "Coder-Session-Token": alice.token } });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
  });

  it("users q, build_ids, limit and offset with NUL or junk are 400", async () => {
    const owner = inject("ownerToken");
    expectValidation(await rawHttp("GET", "/api/v2/users?q=%00", { headers: { "Coder-Session-Token": owner } }), "q");
    for (const ids of ["%00", "%E0%A4%A", ",,,%00", `${task.id}%00`]) {
      expectValidation(await rawHttp("GET", `/api/experimental/aitasks/prompts?build_ids=${ids}`, { headers: { "Coder-Session-Token": alice.token } }), "build_ids");
    }
    for (const [param, value] of [
      ["limit", "%00"],
      ["limit", "1%00"],
      ["offset", "%00"],
      ["limit", "Infinity"],
    ]) {
      const res = await rawHttp("GET", `/api/v2/tasks?${param}=${value}`, { headers: { "Coder-Session-Token": alice.token } });
      expect(res.status, `${param}=${value}`).toBe(400);
      expectClientError(res);
    }
  });
});

describe("odd auth headers are a 401", () => {
  it("long, unicode-escaped or NUL-ish tokens", async () => {
    for (const token of ["x".repeat(10_000), "a".repeat(10) + "-" + "b".repeat(22) + " ", "%00", "../../etc/passwd", "'; DROP TABLE users; --"]) {
      const res = await rawHttp("GET", "/api/v2/users/me", { headers: { "Coder-Session-Token": token } });
      expect(res.status).toBe(401);
      expectClientError(res);
    }
  });
});

describe("nothing changed", () => {
  it("alice's task is as it was created", async () => {
    const res = await raw("GET", `/api/v2/tasks/me/${task.id}`, { token: alice.token });
    expect(res.body.initial_prompt).toBe("Untouchable prompt");
    expect(res.body.name).toBe("sweep-target");
    expect(res.body.status).toBe("pending");
    expect(res.body.workspace_build_number).toBe(1);
    expect(templateId).toMatch(/^[0-9a-f-]{36}$/);
  });
});
