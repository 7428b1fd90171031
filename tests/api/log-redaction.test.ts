import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startExtraServer, type ExtraServer } from "../support/extra-server";

/**
 * A server whose log is read after a run that used everything a log must never carry: passwords,
 * session tokens and API keys, prompts and emails (a failed query's parameters), a search in the
 * query string. Two constraints added for the test make inserts fail with those values in them,
 * the way any unexpected database error would.
 */
const MARK = `m${Date.now().toString(36)}`;
const SECRETS = {
  ownerPassword: `owner-pw-${MARK}`,
  memberPassword: `member-pw-${MARK}`,
  prompt: `prompt-${MARK}-do-not-log`,
  email: `email-${MARK}@example.com`,
  search: `search-${MARK}`,
};

let server: ExtraServer;
let sql: postgres.Sql;

beforeAll(async () => {
  server = await startExtraServer({ LOG_LEVEL: "debug" });
  sql = postgres(server.databaseUrl, { max: 1, onnotice: () => {} });
}, 90_000);
afterAll(async () => {
  await sql?.end({ timeout: 5 });
  await server?.stop();
});

const call = (method: string, path: string, body?: unknown, token?: string) =>
  fetch(`${server.baseUrl}${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { "content-type": "application/json" }), ...(token ? { "Coder-Session-Token": token } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

describe("the server's log", () => {
  it("never carries query parameters, tokens or passwords, while it does log the errors", async () => {
    expect((await call("POST", "/api/v2/users/first", { email: "owner@example.com", username: "owner", password: SECRETS.ownerPassword })).status).toBe(201);
    const session = ((await (await call("POST", "/api/v2/users/login", { email: "owner@example.com", password: SECRETS.ownerPassword })).json()) as { session_token: string }).session_token;
    expect((await call("POST", "/api/v2/users/login", { email: "owner@example.com", password: `wrong-${MARK}` })).status).toBe(401);
    const key = ((await (await call("POST", "/api/v2/users/me/keys", undefined, session)).json()) as { key: string }).key;
    expect((await call("GET", `/api/v2/tasks?q=${encodeURIComponent(`search:"${SECRETS.search}"`)}`, undefined, key)).status).toBe(200);
    const echo = ((await (await call("GET", "/api/v2/templates", undefined, key)).json()) as { name: string; active_version_id: string }[]).find((t) => t.name === "echo")!;

    // Unexpected database errors, with the request's values as the failed query's parameters.
    await sql.unsafe(`ALTER TABLE tasks ADD CONSTRAINT log_test_prompt CHECK (prompt NOT LIKE '%${MARK}%')`);
    await sql.unsafe(`ALTER TABLE users ADD CONSTRAINT log_test_email CHECK (email NOT LIKE '%${MARK}%')`);
    const task = await call("POST", "/api/v2/tasks/me", { input: SECRETS.prompt, template_version_id: echo.active_version_id }, session);
    expect(task.status).toBe(500);
    const user = await call("POST", "/api/v2/users", { email: SECRETS.email, username: `u${MARK}`, password: SECRETS.memberPassword }, key);
    expect(user.status).toBe(500);
    expect(await user.json()).toEqual({ message: "An internal error occurred.", detail: "See the server log for details." });

    let log = "";
    for (let i = 0; i < 50 && !(log.includes("log_test_prompt") && log.includes("log_test_email")); i++) {
      await new Promise((r) => setTimeout(r, 100));
      log = server.output();
    }
    // The errors are there, with what finds their cause...
    expect(log).toContain("unhandled error in route handler");
    expect(log).toContain("log_test_prompt");
    expect(log).toContain("log_test_email");
    // ...and nothing a request carried.
    for (const [what, value] of Object.entries({ ...SECRETS, session, key, wrongPassword: `wrong-${MARK}` })) {
      expect(log.includes(value), `${what} is in the log`).toBe(false);
    }
    expect(log.includes(session.split("-")[1]), "a session secret is in the log").toBe(false);
    expect(log.includes(key.split("-")[1]), "an API key secret is in the log").toBe(false);
    expect(log).not.toMatch(/scrypt\$\d+\$/);
  }, 60_000);
});
