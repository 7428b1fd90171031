import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TaskyardClient } from "../../lib/sdk/client";
import { PROVISIONER_ID_HEADER } from "../../lib/provisioners/remote-store";
import { uniqueName, type RawResponse } from "../support/api";
import { expectError, expectNotFound } from "../support/expect";
import { ownerOf, startExtraServer, type ExtraServer } from "../support/extra-server";

/**
 * The provisioner API as a remote daemon speaks it: a key registers a host, then every step of a
 * build is one call, answered only for what is that daemon's — its leases, their workspaces, its
 * host's agents. A server of its own, on a database of its own: no other test's pending build is
 * there for these daemons to claim, and its built-in provisioner has no tags, so it never takes a
 * build of these tests' templates (each requires a tag only their daemons have).
 */

let server: ExtraServer;
let owner: TaskyardClient;
let sql: postgres.Sql;
beforeAll(async () => {
  server = await startExtraServer();
  owner = await ownerOf(server);
  sql = postgres(server.databaseUrl, { max: 2, onnotice: () => {} });
}, 120_000);
afterAll(async () => {
  await sql?.end({ timeout: 5 });
  await server?.stop();
});

/** A request to this file's server, answered as tests/support/api.ts `raw` answers. */
async function raw(method: string, path: string, options: { token?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<RawResponse> {
  const headers: Record<string, string> = { ...options.headers, ...(options.token ? { "Coder-Session-Token": options.token } : {}) };
  if (options.body !== undefined) headers["content-type"] = "application/json";
  const res = await fetch(`${server.baseUrl}${path}`, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
  const text = await res.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  return { status: res.status, body, headers: res.headers, text };
}
const ownerToken = () => owner.token!;

type Daemon = { key: string; keyId: string; id: string; host: string };

async function daemon(tags: Record<string, string>): Promise<Daemon> {
  const created = await raw("POST", "/api/v2/provisioner-keys", { token: ownerToken(), body: { name: uniqueName("pk-") } });
  expect(created.status, created.text).toBe(201);
  const host = uniqueName("host-");
  const registered = await raw("POST", "/api/v2/provisionerd/register", { headers: { authorization: `Bearer ${created.body.key}` }, body: { host, tags, version: "test" } });
  expect(registered.status, registered.text).toBe(200);
  expect(registered.body.tags).toEqual(tags);
  return { key: created.body.key, keyId: created.body.id, id: registered.body.id, host };
}

const call = (d: Daemon, method: string, body: unknown) =>
  raw("POST", `/api/v2/provisionerd/${method}`, { headers: { authorization: `Bearer ${d.key}`, [PROVISIONER_ID_HEADER]: d.id }, body });

/** A template version that only a provisioner with `lane=<lane>` may build, and a task on it. */
async function taskInLane(lane: string) {
  const template = await raw("POST", "/api/v2/organizations/default/templates", {
    token: ownerToken(),
    body: { name: uniqueName("lane-"), display_name: "Lane", config: { agent: { kind: "echo" }, provisioner_tags: { lane } } },
  });
  expect(template.status, template.text).toBe(201);
  return owner.createTask({ input: "hello from a lane", template_version_id: template.body.active_version_id });
}

const claim = (d: Daemon, waitMs = 0) => call(d, "claim", { kind: "any", perUser: 10, leaseMs: 10_000, waitMs });

describe("the provisioner API", () => {
  it("takes only provisioner keys: a user's token, an unknown key and a revoked one are 401", async () => {
    const d = await daemon({ lane: uniqueName("l") });
    expectError(await raw("POST", "/api/v2/provisionerd/claim", { token: ownerToken(), body: {} }), 401);
    expectError(await raw("POST", "/api/v2/provisionerd/register", { headers: { authorization: "Bearer typk_nope" }, body: { host: "x" } }), 401);
    // …and a provisioner key opens no user route.
    expectError(await raw("GET", "/api/v2/tasks", { headers: { authorization: `Bearer ${d.key}` } }), 401);
    expect((await claim(d)).status).toBe(200);
    expect((await raw("DELETE", `/api/v2/provisioner-keys/${d.keyId}`, { token: ownerToken() })).status).toBe(204);
    expectError(await claim(d), 401);
  });

  it("refuses bad input with 400 naming the field, and unknown steps with 404", async () => {
    const d = await daemon({});
    const bad = await call(d, "renew", { buildId: "not-a-uuid", leaseMs: 5 });
    expectError(bad, 400);
    expect(bad.body.validations.map((v: { field: string }) => v.field).sort()).toEqual(["buildId", "leaseMs"]);
    expectNotFound(await call(d, "dropDatabase", {}));
    expectNotFound(await call(d, "__proto__", {}));
    const badHost = await raw("POST", "/api/v2/provisionerd/register", { headers: { authorization: `Bearer ${d.key}` }, body: { host: "../etc" } });
    expectError(badHost, 400);
  });

  it("a host name is one key's: another key, or the server's own provisioner's name, is 409", async () => {
    const first = await daemon({});
    const other = await raw("POST", "/api/v2/provisioner-keys", { token: ownerToken(), body: { name: uniqueName("pk-") } });
    // This server's built-in provisioner registered its host name without a key.
    const [builtIn] = await sql`SELECT host FROM provisioners WHERE key_id IS NULL`;
    for (const host of [first.host, builtIn.host]) {
      const res = await raw("POST", "/api/v2/provisionerd/register", { headers: { authorization: `Bearer ${other.body.key}` }, body: { host } });
      expectError(res, 409);
    }
  });

  it("hands a build only to a daemon with the template's tags, and answers for it only to that daemon", async () => {
    const lane = uniqueName("l");
    const mine = await daemon({ lane });
    const stranger = await daemon({ lane: `${lane}-other` });
    const twin = await daemon({ lane }); // same tags, another key: it may claim, but not touch what `mine` holds
    const task = await taskInLane(lane);

    expect((await claim(stranger)).body).toBeNull();
    const claimed = await claim(mine);
    expect(claimed.status, claimed.text).toBe(200);
    const build = claimed.body;
    expect(build).toMatchObject({ workspace_id: task.workspace_id, transition: "start" });
    expect((await claim(twin)).body).toBeNull(); // one build per workspace at a time

    // The holder's steps work…
    expect((await call(mine, "renew", { buildId: build.id, leaseMs: 10_000 })).body).toBe(true);
    expect((await call(mine, "checkoutPlan", { workspaceId: build.workspace_id })).body).toMatchObject({ kind: "init", branch: `taskyard/${task.name}` });
    const agent = await call(mine, "createAgent", { buildId: build.id });
    expect(agent.body).toEqual({ agentId: expect.any(String), token: expect.stringMatching(/^[0-9a-f]{64}$/) });
    const [row] = await sql`SELECT host, auth_token_hash FROM workspace_agents WHERE id = ${agent.body.agentId}`;
    expect(row.host).toBe(mine.host);
    expect(row.auth_token_hash).not.toContain(agent.body.token);

    // …and every other daemon's are 404 (or false for the lease itself), changing nothing.
    for (const [method, params] of [
      ["templateVariables", { buildId: build.id }],
      ["createAgent", { buildId: build.id }],
      ["currentAgent", { workspaceId: build.workspace_id }],
      ["checkoutPlan", { workspaceId: build.workspace_id }],
      ["storeSnapshot", { workspaceId: build.workspace_id, messages: [] }],
      ["workspaceRemoved", { workspaceId: build.workspace_id }],
      ["agentOff", { agentId: agent.body.agentId }],
      ["agentStarted", { agentId: agent.body.agentId, pid: 1 }],
      ["markCrashed", { agentId: agent.body.agentId, workspaceId: build.workspace_id, how: "was killed" }],
    ] as const) {
      expectNotFound(await call(twin, method, params));
    }
    expect((await call(twin, "renew", { buildId: build.id, leaseMs: 10_000 })).body).toBe(false);
    expect((await call(twin, "finish", { buildId: build.id, outcome: { error: "not mine" } })).body).toBe(false);
    expect((await call(twin, "lifecycles", { agentIds: [agent.body.agentId] })).body).toEqual({});
    expect((await call(twin, "agentsOnHost", {})).body).toEqual([]);
    const [still] = await sql`SELECT job_status, lease_owner FROM workspace_builds WHERE id = ${build.id}`;
    expect(still).toEqual({ job_status: "running", lease_owner: `provisioner:${mine.id}` });

    expect((await call(mine, "lifecycles", { agentIds: [agent.body.agentId] })).body).toEqual({ [agent.body.agentId]: "created" });
    expect((await call(mine, "finish", { buildId: build.id, outcome: { error: "stopped by the test" } })).body).toBe(true);
    await owner.deleteTask("me", task.id);
  });

  it("a claim waits on the server (bounded) and answers as soon as a build arrives", async () => {
    const lane = uniqueName("l");
    const d = await daemon({ lane });
    let started = Date.now();
    expect((await claim(d, 1500)).body).toBeNull();
    expect(Date.now() - started).toBeGreaterThanOrEqual(1400);

    started = Date.now();
    const waiting = claim(d, 15_000);
    await new Promise((r) => setTimeout(r, 300));
    const task = await taskInLane(lane);
    const got = await waiting;
    expect(got.body).toMatchObject({ workspace_id: task.workspace_id });
    expect(Date.now() - started).toBeLessThan(5000);
    await call(d, "finish", { buildId: got.body.id, outcome: { error: "stopped by the test" } });
    await owner.deleteTask("me", task.id);
  });
});
