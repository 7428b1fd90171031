import { randomBytes, createHash } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import type { Task } from "../../lib/sdk/client";
import { createTestUser, echoTemplateVersion, raw, type TestUser } from "../support/api";
import { db } from "../support/runtime";

/** An agent row with a token we know (real agents only ever see theirs in their environment). */
async function fakeAgent(task: Task): Promise<string> {
  const token = randomBytes(32).toString("hex");
  const hash = createHash("sha256").update(token).digest("hex");
  const [build] = await db()`SELECT id FROM workspace_builds WHERE workspace_id = ${task.workspace_id!} ORDER BY build_number DESC LIMIT 1`;
  const [agent] = await db()`
    INSERT INTO workspace_agents (workspace_id, build_id, auth_token_hash, lifecycle_state, created_at)
    VALUES (${task.workspace_id!}, ${build.id}, ${hash}, 'starting', now() + interval '1 hour') RETURNING id`;
  await db()`INSERT INTO workspace_apps (agent_id, slug, display_name, health) VALUES (${agent.id}, 'agent', 'Agent', 'initializing')`;
  return token;
}

const agentCall = (method: string, path: string, token: string | undefined, body?: unknown) =>
  raw(method, `/api/v2/workspaceagents/me/${path}`, { body, headers: token ? { "Coder-Session-Token": token } : {} });

describe("agent routes", () => {
  let alice: TestUser;
  let bob: TestUser;
  let task: Task;
  let other: Task;
  let token: string;
  beforeAll(async () => {
    alice = await createTestUser();
    bob = await createTestUser();
    // Tasks whose builds the provisioner must leave alone: mark them claimed by nobody alive.
    task = await alice.client.createTask({ input: "agent routes", template_version_id: await echoTemplateVersion() });
    other = await bob.client.createTask({ input: "someone else's", template_version_id: await echoTemplateVersion() });
    token = await fakeAgent(task);
  });

  it("accept only agent tokens: user tokens, garbage and nothing are 401, and agent tokens do not reach user routes", async () => {
    for (const t of [alice.token, undefined, "x".repeat(64), "0".repeat(64)]) {
      const res = await agentCall("POST", "lifecycle", t, { state: "ready" });
      expect(res.status).toBe(401);
      expect(res.body.message).toBeTruthy();
    }
    expect((await raw("GET", "/api/v2/tasks", { headers: { "Coder-Session-Token": token } })).status).toBe(401);
    expect((await raw("GET", "/api/v2/users/me", { headers: { Authorization: `Bearer ${token}` } })).status).toBe(401);
  });

  it("report lifecycle, app health and app status into the task", async () => {
    expect((await agentCall("POST", "lifecycle", token, { state: "ready" })).status).toBe(204);
    expect((await agentCall("PATCH", "app-health", token, { app_slug: "agent", health: "healthy" })).status).toBe(204);
    expect((await agentCall("PATCH", "app-status", token, { app_slug: "agent", state: "working", message: "Reading the code", uri: "https://example.com/pr/1" })).status).toBe(200);
    const t = await alice.client.task("me", task.id);
    expect(t.workspace_agent_lifecycle).toBe("ready");
    expect(t.current_state).toMatchObject({ state: "working", message: "Reading the code", uri: "https://example.com/pr/1" });
  });

  it("reject bad reports with 400 and change nothing", async () => {
    expect((await agentCall("POST", "lifecycle", token, { state: "sleeping" })).status).toBe(400);
    expect((await agentCall("PATCH", "app-health", token, { app_slug: "nope", health: "healthy" })).status).toBe(400);
    const long = await agentCall("PATCH", "app-status", token, { app_slug: "agent", state: "idle", message: "é".repeat(81) });
    expect(long.status).toBe(400);
    expect(long.body.validations[0].field).toBe("message");
    expect((await agentCall("PATCH", "app-status", token, { app_slug: "agent", state: "napping", message: "x" })).status).toBe(400);
    expect((await agentCall("POST", "connection", token, { api_url: "http://169.254.169.254/" })).status).toBe(400);
    // JSON only, like every body route; and from no browser page.
    const plain = await raw("PATCH", "/api/v2/workspaceagents/me/app-status", {
      headers: { "Coder-Session-Token": token, "content-type": "text/plain" },
      rawBody: JSON.stringify({ app_slug: "agent", state: "idle", message: "as text" }),
    });
    expect(plain.status).toBe(415);
    const crossSite = await raw("PATCH", "/api/v2/workspaceagents/me/app-status", {
      headers: { "Coder-Session-Token": token, Origin: "https://evil.example.com" },
      body: { app_slug: "agent", state: "idle", message: "from elsewhere" },
    });
    expect(crossSite.status).toBe(403);
    expect((await alice.client.task("me", task.id)).current_state?.message).toBe("Reading the code");
  });

  it("store a snapshot for the agent's own task only, up to 64 KiB", async () => {
    const messages = [
      { id: 0, content: "agent routes", role: "user", time: new Date().toISOString() },
      { id: 1, content: "You said: agent routes", role: "agent", time: new Date().toISOString() },
    ];
    const path = (id: string) => `tasks/${id}/log-snapshot?format=agentapi`;
    expect((await agentCall("POST", path(task.id), token, { messages })).status).toBe(204);
    const [row] = await db()`SELECT messages FROM task_snapshots WHERE task_id = ${task.id}`;
    expect(row.messages).toHaveLength(2);

    expect((await agentCall("POST", path(other.id), token, { messages })).status).toBe(404);
    expect(await db()`SELECT 1 FROM task_snapshots WHERE task_id = ${other.id}`).toHaveLength(0);
    const big = [{ id: 0, content: "x".repeat(65 * 1024), role: "user", time: new Date().toISOString() }];
    const tooBig = await agentCall("POST", path(task.id), token, { messages: big });
    expect(tooBig.status).toBe(413);
    expect((await agentCall("POST", path(task.id), token, { messages: [{ id: "a" }] })).status).toBe(400);
    expect((await agentCall("POST", `tasks/${task.id}/log-snapshot?format=claude`, token, { messages })).status).toBe(400);
    const [after] = await db()`SELECT messages FROM task_snapshots WHERE task_id = ${task.id}`;
    expect(after.messages).toHaveLength(2);
    expect((await agentCall("POST", path(task.id), alice.token, { messages })).status).toBe(401);
  });
});
