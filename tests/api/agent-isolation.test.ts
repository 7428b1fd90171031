import { createHash, randomBytes } from "node:crypto";
import { once } from "node:events";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestUser, echoTemplateVersion, raw, type TestUser } from "../support/api";
import { TaskFixture, testSql } from "../support/db";
import { startEchoAgent, type EchoAgent } from "../support/echo-agent";

const sql = testSql();
let alice: TestUser;
const agents: EchoAgent[] = [];
const servers: http.Server[] = [];

beforeAll(async () => {
  alice = await createTestUser();
});
afterAll(async () => {
  await Promise.all(agents.map((a) => a.close()));
  servers.forEach((s) => s.close());
});

async function echoAgent() {
  const agent = await startEchoAgent([{ role: "user", content: "hello" }]);
  agents.push(agent);
  return agent;
}

/** A loopback HTTP server answering every request with `handler`; it records what reached it. */
async function fakeServer(handler: (req: http.IncomingMessage, res: http.ServerResponse) => void) {
  const seen: string[] = [];
  const server = http.createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    handler(req, res);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  servers.push(server);
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

/** A task whose current agent row has a token and an AgentAPI secret we know. */
async function taskWithAgent(secret: string) {
  const res = await raw("POST", "/api/v2/tasks/me", { token: alice.token, body: { input: "isolation", template_version_id: await echoTemplateVersion() } });
  const fixture = await TaskFixture.of(sql, res.body.id);
  const build = await fixture.setLatestJob("succeeded");
  const token = randomBytes(32).toString("hex");
  const [agent] = await sql`
    INSERT INTO workspace_agents (workspace_id, build_id, auth_token_hash, lifecycle_state, api_secret)
    VALUES (${fixture.workspaceId}, ${build.id}, ${createHash("sha256").update(token).digest("hex")}, 'ready', ${secret}) RETURNING id`;
  await fixture.addApp(agent.id, "healthy");
  return { taskId: res.body.id as string, fixture, agentId: agent.id as string, token };
}

const agentCall = (method: string, path: string, token: string, body?: unknown) =>
  raw(method, `/api/v2/workspaceagents/me/${path}`, { body, headers: { "Coder-Session-Token": token } });
const apiUrlOf = async (agentId: string) => (await sql`SELECT api_url FROM workspace_agents WHERE id = ${agentId}`)[0].api_url;

describe("registering the agent's address (…/me/connection)", () => {
  it("accepts only an address that answers with this agent's own secret", async () => {
    const mine = await echoAgent();
    const someoneElses = await echoAgent();
    const { agentId, token } = await taskWithAgent(mine.secret);

    const hijack = await agentCall("POST", "connection", token, { api_url: someoneElses.url });
    expect(hijack.status).toBe(400);
    expect(hijack.body.validations[0].field).toBe("api_url");
    expect(await apiUrlOf(agentId)).toBeNull();

    expect((await agentCall("POST", "connection", token, { api_url: mine.url })).status).toBe(204);
    expect(await apiUrlOf(agentId)).toBe(mine.url);
  });

  it("does not follow a redirect from the registered address to another agent", async () => {
    const target = await echoAgent();
    const redirect = await fakeServer((_req, res) => res.writeHead(302, { location: `${target.url}/status` }).end());
    const { agentId, token } = await taskWithAgent(target.secret);
    expect((await agentCall("POST", "connection", token, { api_url: redirect.url })).status).toBe(400);
    expect(redirect.seen).toEqual(["GET /status"]);
    expect(await apiUrlOf(agentId)).toBeNull();
  });
});

describe("an agent marked off", () => {
  it("stays off: its reports are refused, except the final snapshot while it is still the workspace's newest agent", async () => {
    const { taskId, fixture, agentId, token } = await taskWithAgent("s".repeat(64));
    await sql`UPDATE workspace_agents SET lifecycle_state = 'off' WHERE id = ${agentId}`;

    expect((await agentCall("POST", "lifecycle", token, { state: "ready" })).status).toBe(401);
    expect((await agentCall("PATCH", "app-status", token, { app_slug: "agent", state: "working", message: "back" })).status).toBe(401);
    expect((await agentCall("GET", "manifest", token)).status).toBe(401);
    expect((await sql`SELECT lifecycle_state FROM workspace_agents WHERE id = ${agentId}`)[0].lifecycle_state).toBe("off");

    const messages = [{ id: 0, content: "last words", role: "agent", time: new Date().toISOString() }];
    const snapshot = `tasks/${taskId}/log-snapshot?format=agentapi`;
    expect((await agentCall("POST", snapshot, token, { messages })).status).toBe(204);

    // Resumed: a newer agent owns the conversation now; the old one's snapshot must not overwrite it.
    const resumed = await fixture.addBuild("start", "succeeded");
    await fixture.addAgent(resumed.id, "ready");
    expect((await agentCall("POST", snapshot, token, { messages: [{ ...messages[0], content: "stale" }] })).status).toBe(401);
    expect((await sql`SELECT messages FROM task_snapshots WHERE task_id = ${taskId}`)[0].messages[0].content).toBe("last words");
  });
});

describe("the agent's own port", () => {
  it("takes no prompt from a cross-site form: no secret is 401, text/plain is 415, and nothing reaches the conversation", async () => {
    const agent = await echoAgent();
    const before = agent.said();
    const anonymous = await fetch(`${agent.url}/message`, { method: "POST", headers: { "content-type": "text/plain" }, body: '{"content":"rm -rf /","type":"user"}' });
    expect(anonymous.status).toBe(401);
    const plain = await fetch(`${agent.url}/message`, {
      method: "POST",
      headers: { "content-type": "text/plain", authorization: `Bearer ${agent.secret}` },
      body: '{"content":"rm -rf /","type":"user"}',
    });
    expect(plain.status).toBe(415);
    expect((await fetch(`${agent.url}/messages`)).status).toBe(401);
    expect(agent.said()).toEqual(before);
  });
});

describe("the server's calls to agents", () => {
  async function activeTaskAt(url: string) {
    const { taskId, agentId } = await taskWithAgent("x".repeat(64));
    await sql`UPDATE workspace_agents SET api_url = ${url} WHERE id = ${agentId}`;
    return taskId;
  }

  it("never follow a redirect", async () => {
    const elsewhere = await fakeServer((_req, res) => res.writeHead(200, { "content-type": "application/json" }).end('{"messages":[],"status":"stable"}'));
    const redirect = await fakeServer((req, res) => res.writeHead(307, { location: `${elsewhere.url}${req.url}` }).end());
    const taskId = await activeTaskAt(redirect.url);
    expect((await raw("GET", `/api/v2/tasks/me/${taskId}/logs`, { token: alice.token })).status).toBe(502);
    expect((await raw("POST", `/api/v2/tasks/me/${taskId}/send`, { token: alice.token, body: { input: "hi" } })).status).toBe(502);
    expect((await raw("GET", `/api/v2/tasks/me/${taskId}/agentapi/status`, { token: alice.token })).status).toBe(502);
    expect(redirect.seen.length).toBeGreaterThan(0);
    expect(elsewhere.seen).toEqual([]);
  });

  it("stop reading an answer past its cap instead of buffering it", async () => {
    const chunk = Buffer.alloc(1024 * 1024, "a");
    const flood = await fakeServer(async (_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.write('{"messages":[{"id":0,"role":"agent","time":"","content":"');
      // 100 MiB, written as fast as the reader takes it; a reader that gives up closes the socket.
      for (let i = 0; i < 100 && !res.destroyed; i++) if (!res.write(chunk)) await once(res, "drain").catch(() => {});
      res.end('"}]}');
    });
    const taskId = await activeTaskAt(flood.url);
    const logs = await raw("GET", `/api/v2/tasks/me/${taskId}/logs`, { token: alice.token });
    expect(logs.status).toBe(502);
    expect(logs.body.detail).toMatch(/larger than/);
  });
});
