import { createHash, randomBytes } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { createTestUser, echoTemplateVersion, ownerClient, raw, type TestUser } from "../support/api";
import { testSql } from "../support/db";

const sql = testSql();
let alice: TestUser;
beforeAll(async () => {
  alice = await createTestUser();
});

describe("templates say when they can run", () => {
  it("claude needs ANTHROPIC_API_KEY (unset on this server), agentapi its command; echo always runs", async () => {
    const res = await raw("GET", "/api/v2/templates", { token: alice.token });
    const byName = Object.fromEntries(res.body.map((t: { name: string }) => [t.name, t]));
    expect(byName.echo).toMatchObject({ available: true, unavailable_reason: "" });
    expect(byName.claude).toMatchObject({ available: false, unavailable_reason: expect.stringContaining("ANTHROPIC_API_KEY") });
    expect(byName.agentapi.available).toBe(false);
    expect(byName.agentapi.unavailable_reason).toContain("`agentapi` is not installed");
    // The models a task may pick (the first is the default): the claude template's, none for echo.
    expect(byName.claude.models).toEqual(["claude-haiku-4-5", "claude-sonnet-4-5", "claude-opus-4-5"]);
    expect(byName.echo.models).toEqual([]);
    const one = await raw("GET", `/api/v2/templates/${byName.claude.id}`, { token: alice.token });
    expect(one.body).toEqual(byName.claude);
  });

  it("refuses a task from an unavailable template with the reason, and creates nothing", async () => {
    const claude = (await ownerClient().templates()).find((t) => t.name === "claude")!;
    const before = (await sql`SELECT count(*)::int AS n FROM tasks WHERE owner_id = ${alice.id}`)[0].n;
    const res = await raw("POST", "/api/v2/tasks/me", { token: alice.token, body: { input: "Fix it", template_version_id: claude.active_version_id } });
    expect(res.status).toBe(400);
    expect(res.body.message).toContain("ANTHROPIC_API_KEY");
    expect(res.body.validations).toEqual([{ field: "template_version_id", detail: claude.unavailable_reason }]);
    expect((await sql`SELECT count(*)::int AS n FROM tasks WHERE owner_id = ${alice.id}`)[0].n).toBe(before);
  });
});

describe("usage per task", () => {
  async function taskWithAgent() {
    const res = await raw("POST", "/api/v2/tasks/me", { token: alice.token, body: { input: "usage", template_version_id: await echoTemplateVersion() } });
    const token = randomBytes(32).toString("hex");
    const [build] = await sql`SELECT id FROM workspace_builds WHERE workspace_id = ${res.body.workspace_id} ORDER BY build_number DESC LIMIT 1`;
    await sql`
      INSERT INTO workspace_agents (workspace_id, build_id, auth_token_hash, lifecycle_state)
      VALUES (${res.body.workspace_id}, ${build.id}, ${createHash("sha256").update(token).digest("hex")}, 'ready')`;
    return { taskId: res.body.id as string, token };
  }
  const report = (token: string, body: unknown) => raw("POST", "/api/v2/workspaceagents/me/usage", { body, headers: { "Coder-Session-Token": token } });
  const turn = (id: string, scale = 1) => ({
    turn_id: id,
    input_tokens: 1000 * scale,
    output_tokens: 100 * scale,
    cache_read_input_tokens: 10 * scale,
    cache_creation_input_tokens: 1 * scale,
    cost_usd: 0.0125 * scale,
  });

  it("starts at zero and adds each turn once, in the task and the list alike", async () => {
    const { taskId, token } = await taskWithAgent();
    const zero = { input_tokens: 0, output_tokens: 0, cache_read_input_tokens: 0, cache_creation_input_tokens: 0, cost_usd: 0, limit: null, stopped_by: null };
    expect((await raw("GET", `/api/v2/tasks/me/${taskId}`, { token: alice.token })).body.usage).toEqual(zero);

    expect((await report(token, turn("t1"))).status).toBe(204);
    expect((await report(token, turn("t1"))).status).toBe(204); // a repeated report counts once
    expect((await report(token, turn("t2", 2))).status).toBe(204);
    // A task whose calls the gateway never metered (no model_calls): the agents' reports are its account.
    const expected = { input_tokens: 3000, output_tokens: 300, cache_read_input_tokens: 30, cache_creation_input_tokens: 3, cost_usd: 0.0375, limit: null, stopped_by: null };
    expect((await raw("GET", `/api/v2/tasks/me/${taskId}`, { token: alice.token })).body.usage).toEqual(expected);
    const list = await raw("GET", "/api/v2/tasks?q=owner:me", { token: alice.token });
    expect(list.body.tasks.find((t: { id: string }) => t.id === taskId).usage).toEqual(expected);
  });

  it("rejects bad reports with 400, user tokens with 401, and changes nothing", async () => {
    const { taskId, token } = await taskWithAgent();
    for (const bad of [{ ...turn("x"), input_tokens: -1 }, { ...turn("x"), cost_usd: "1" }, { ...turn("x"), turn_id: "" }, { input_tokens: 1 }, { ...turn("x"), output_tokens: 1.5 }]) {
      const res = await report(token, bad);
      expect(res.status).toBe(400);
      expect(res.body.validations.length).toBeGreaterThan(0);
    }
    expect((await report(alice.token, turn("y"))).status).toBe(401);
    expect((await raw("GET", `/api/v2/tasks/me/${taskId}`, { token: alice.token })).body.usage.input_tokens).toBe(0);
  });
});
