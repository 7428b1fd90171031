import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createTestUser, echoTemplateVersion, raw, type TestUser } from "../support/api";
import { TaskFixture, testSql } from "../support/db";
import { expectError, expectNotFound, NOT_FOUND } from "../support/expect";
import { startEchoAgent, type EchoAgent } from "../support/echo-agent";

const sql = testSql();
const PREFIXES = ["/api/v2", "/api/experimental"];

let version: string;
let alice: TestUser;
let bob: TestUser;
let admin: TestUser;
let owner: { token: string };
let agent: EchoAgent;

beforeAll(async () => {
  version = await echoTemplateVersion();
  [alice, bob, admin] = await Promise.all([createTestUser(), createTestUser(), createTestUser("admin")]);
  owner = { token: inject("ownerToken") };
  agent = await startEchoAgent([{ role: "user", content: "Secret prompt" }]);
});
afterAll(async () => {
  await agent?.close();
});

type Task = { id: string; name: string; workspace_id: string };

async function aliceTask(state: "pending" | "active" | "paused" = "pending"): Promise<Task & { fixture: TaskFixture }> {
  const res = await raw("POST", "/api/v2/tasks/me", { token: alice.token, body: { input: "Secret prompt", template_version_id: version } });
  expect(res.status).toBe(201);
  const fixture = await TaskFixture.of(sql, res.body.id);
  if (state !== "pending") await fixture.running({ apiUrl: agent.url, apiSecret: agent.secret });
  if (state === "paused") await fixture.addBuild("stop", "succeeded");
  return { ...res.body, fixture };
}

/** Everything about a task a forbidden call could change. */
async function snapshotOf(task: Task) {
  const [row] = await sql`SELECT prompt, name, display_name, parameters, updated_at, deleted_at FROM tasks WHERE id = ${task.id}`;
  const builds = await sql`SELECT id, job_status FROM workspace_builds WHERE workspace_id = ${task.workspace_id} ORDER BY build_number`;
  const [ws] = await sql`SELECT deleted_at FROM workspaces WHERE id = ${task.workspace_id}`;
  return { row, builds, ws };
}

/** Every task route, addressed by id under `user` or by name under `user`. */
function taskCalls(prefix: string, user: string, ref: string) {
  const base = `${prefix}/tasks/${user}/${ref}`;
  return [
    { label: "get", method: "GET", path: base },
    { label: "input", method: "PATCH", path: `${base}/input`, body: { input: "hijacked" } },
    { label: "prompt", method: "PATCH", path: `${base}/prompt`, body: { prompt: "hijacked" } },
    { label: "repository", method: "PATCH", path: `${base}/repository`, body: { repo_url: "https://example.com/hijacked.git" } },
    { label: "send", method: "POST", path: `${base}/send`, body: { input: "hijacked" } },
    { label: "logs", method: "GET", path: `${base}/logs` },
    { label: "pause", method: "POST", path: `${base}/pause` },
    { label: "resume", method: "POST", path: `${base}/resume` },
    { label: "delete", method: "DELETE", path: base },
  ];
}

describe("a member cannot see or touch another member's task", () => {
  for (const prefix of PREFIXES) {
    for (const state of ["pending", "active", "paused"] as const) {
      it(`${prefix}: every route on alice's ${state} task is 404 for bob, and nothing changes`, async () => {
        const task = await aliceTask(state);
        const before = await snapshotOf(task);
        const conversation = structuredClone(agent.brain.messages());
        const refs: [string, string][] = [
          ["me", task.id],
          [alice.username, task.id],
          [alice.id, task.id],
          [bob.username, task.id],
          [alice.username, task.name],
          [alice.id, task.name],
          ["me", task.name],
        ];
        for (const [user, ref] of refs) {
          for (const call of taskCalls(prefix, user, ref)) {
            const res = await raw(call.method, call.path, { token: bob.token, body: call.body });
            expect(res.status, `${call.method} ${call.path}`).toBe(404);
            expect(res.body).toEqual({ message: NOT_FOUND });
          }
        }
        expect(await snapshotOf(task)).toEqual(before);
        expect(agent.brain.messages()).toEqual(conversation);
        expect(agent.brain.status()).toBe("stable");
      });
    }
  }

  it("someone else's task answers exactly like a task that does not exist", async () => {
    const task = await aliceTask();
    for (const call of taskCalls("/api/v2", "me", task.id)) {
      const theirs = await raw(call.method, call.path, { token: bob.token, body: call.body });
      const missing = await raw(call.method, call.path.replace(task.id, "0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0"), { token: bob.token, body: call.body });
      expect(theirs.status).toBe(missing.status);
      expect(theirs.body).toEqual(missing.body);
    }
  });

  it("the list never shows alice's tasks to bob, whatever the query", async () => {
    const task = await aliceTask();
    for (const prefix of PREFIXES) {
      for (const q of ["", `owner:${alice.username}`, `owner:${alice.id}`, alice.username, "search:Secret", "status:pending"]) {
        const res = await raw("GET", `${prefix}/tasks?q=${encodeURIComponent(q)}`, { token: bob.token });
        expect(res.status, q).toBe(200);
        expect(res.body.tasks.map((t: { id: string }) => t.id)).not.toContain(task.id);
        for (const t of res.body.tasks) expect(t.owner_id).toBe(bob.id);
      }
    }
  });

  it("bob cannot create a task for alice (404, nothing created)", async () => {
    const count = async () => (await sql`SELECT count(*)::int AS n FROM tasks WHERE owner_id = ${alice.id}`)[0].n;
    const before = await count();
    for (const prefix of PREFIXES) {
      for (const who of [alice.username, alice.id]) {
        expectNotFound(await raw("POST", `${prefix}/tasks/${who}`, { token: bob.token, body: { input: "x", template_version_id: version } }));
      }
    }
    expect(await count()).toBe(before);
  });
});

describe("admins and the owner act on anyone's task", () => {
  for (const [who, token] of [
    ["admin", () => admin.token],
    ["owner", () => owner.token],
  ] as const) {
    for (const prefix of PREFIXES) {
      it(`${prefix}: ${who} reads, edits, pauses, resumes, sends to and deletes alice's tasks`, async () => {
        const pending = await aliceTask();
        for (const [user, ref] of [
          ["me", pending.id],
          [alice.username, pending.id],
          [alice.username, pending.name],
          [alice.id, pending.name.toUpperCase()],
        ]) {
          const got = await raw("GET", `${prefix}/tasks/${user}/${ref}`, { token: token() });
          expect(got.status, `${user}/${ref}`).toBe(200);
          expect(got.body.id).toBe(pending.id);
        }
        // `me` names the caller, so alice's task name under `me` is not found for an admin.
        expectNotFound(await raw("GET", `${prefix}/tasks/me/${pending.name}`, { token: token() }));

        expect((await raw("PATCH", `${prefix}/tasks/${alice.username}/${pending.name}/input`, { token: token(), body: { input: `by ${who}` } })).status).toBe(204);
        expect((await sql`SELECT prompt FROM tasks WHERE id = ${pending.id}`)[0].prompt).toBe(`by ${who}`);
        expect((await raw("PATCH", `${prefix}/tasks/me/${pending.id}/prompt`, { token: token(), body: { prompt: `again by ${who}` } })).status).toBe(204);
        expect((await raw("GET", `${prefix}/tasks/me/${pending.id}/logs`, { token: token() })).body).toEqual({ logs: [], snapshot: true });

        const list = await raw("GET", `${prefix}/tasks?q=${encodeURIComponent(`owner:${alice.username}`)}`, { token: token() });
        expect(list.body.tasks.map((t: { id: string }) => t.id)).toContain(pending.id);

        const active = await aliceTask("active");
        const said = agent.brain.messages().length;
        expect((await raw("POST", `${prefix}/tasks/${alice.username}/${active.name}/send`, { token: token(), body: { input: `hello from ${who}` } })).status).toBe(204);
        await agent.untilStable();
        expect(agent.said().slice(said)).toEqual([
          { role: "user", content: `hello from ${who}` },
          { role: "agent", content: `You said: hello from ${who}` },
        ]);
        expect((await raw("GET", `${prefix}/tasks/me/${active.id}/logs`, { token: token() })).status).toBe(200);
        const pause = await raw("POST", `${prefix}/tasks/me/${active.id}/pause`, { token: token() });
        expect(pause.status).toBe(202);
        const [stop] = await sql`SELECT initiator_id FROM workspace_builds WHERE id = ${pause.body.workspace_build.id}`;
        expect(stop.initiator_id).not.toBe(alice.id);

        const paused = await aliceTask("paused");
        expect((await raw("POST", `${prefix}/tasks/${alice.username}/${paused.name}/resume`, { token: token() })).status).toBe(202);

        expect((await raw("DELETE", `${prefix}/tasks/${alice.id}/${pending.name}`, { token: token() })).status).toBe(202);
        expectNotFound(await raw("GET", `${prefix}/tasks/me/${pending.id}`, { token: alice.token }));
      });
    }
  }
});

describe("no token → 401 on every route", () => {
  it("every task, user, template and legacy route", async () => {
    const task = await aliceTask();
    const routes: [string, string, unknown?][] = [];
    for (const prefix of PREFIXES) {
      routes.push(["GET", `${prefix}/tasks`], ["POST", `${prefix}/tasks/me`, { input: "x", template_version_id: version }]);
      routes.push(["POST", `${prefix}/tasks/${alice.username}`, { input: "x", template_version_id: version }]);
      for (const call of taskCalls(prefix, alice.username, task.name)) routes.push([call.method, call.path, call.body]);
      for (const call of taskCalls(prefix, "me", task.id)) routes.push([call.method, call.path, call.body]);
    }
    routes.push(
      ["GET", "/api/experimental/aitasks/prompts?build_ids="],
      ["GET", "/api/v2/users/me"],
      ["GET", `/api/v2/users/${alice.username}`],
      ["GET", "/api/v2/users"],
      ["POST", "/api/v2/users", { email: "x@example.com", username: "x", password: "password-1" }],
      ["POST", "/api/v2/users/me/keys"],
      ["POST", "/api/v2/users/logout"],
      ["GET", "/api/v2/organizations"],
      ["GET", "/api/v2/templates"],
    );
    const before = await snapshotOf(task);
    for (const [method, path, body] of routes) {
      const res = await raw(method, path, { body });
      expectError(res, 401);
    }
    expect(await snapshotOf(task)).toEqual(before);
  });
});
