import { beforeAll, describe, expect, it } from "vitest";
import { createTestUser, echoTemplateVersion, raw, uniqueName, type TestUser } from "../support/api";
import { testSql } from "../support/db";
import { expectError, expectNotFound, expectValidation } from "../support/expect";

const sql = testSql();
let version: string;

beforeAll(async () => {
  version = await echoTemplateVersion();
});

async function newTask(user: TestUser, body: Record<string, unknown> = {}) {
  const res = await raw("POST", "/api/v2/tasks/me", { token: user.token, body: { input: "Initial prompt", template_version_id: version, ...body } });
  expect(res.status).toBe(201);
  return res.body as { id: string; name: string; workspace_id: string; initial_prompt: string; updated_at: string };
}

const storedPrompt = async (taskId: string) => (await sql`SELECT prompt FROM tasks WHERE id = ${taskId}`)[0].prompt as string;
const buildCount = async (workspaceId: string) =>
  (await sql`SELECT count(*)::int AS n FROM workspace_builds WHERE workspace_id = ${workspaceId}`)[0].n as number;

for (const prefix of ["/api/v2", "/api/experimental"]) {
  describe(`task routes under ${prefix}`, () => {
    it("GET by id, by name (any case) and via the owner's username or id", async () => {
      const alice = await createTestUser();
      const task = await newTask(alice, { name: uniqueName("Get") });
      for (const [user, ref] of [
        ["me", task.id],
        ["me", task.name],
        ["me", task.name.toLowerCase()],
        ["me", task.name.toUpperCase()],
        [alice.username, task.name],
        [alice.id, task.name],
        [alice.id.toUpperCase(), task.name],
        [alice.username, task.id],
        ["me", task.id.toUpperCase()],
      ]) {
        const res = await raw("GET", `${prefix}/tasks/${user}/${ref}`, { token: alice.token });
        expect(res.status, `${user}/${ref}`).toBe(200);
        expect(res.body.id).toBe(task.id);
      }
      expectNotFound(await raw("GET", `${prefix}/tasks/me/${uniqueName("missing")}`, { token: alice.token }));
      expectNotFound(await raw("GET", `${prefix}/tasks/me/7d5c3b1a-9e8f-4a6b-8c2d-1e0f9a8b7c6d`, { token: alice.token }));
    });

    it("DELETE is 202 with an empty body; the task is then 404 and gone from the list; a delete build is queued", async () => {
      const alice = await createTestUser();
      const task = await newTask(alice);
      const keep = await newTask(alice);
      const res = await raw("DELETE", `${prefix}/tasks/me/${task.name}`, { token: alice.token });
      expect(res.status).toBe(202);
      expect(res.text).toBe("");
      expectNotFound(await raw("GET", `${prefix}/tasks/me/${task.id}`, { token: alice.token }));
      expectNotFound(await raw("GET", `${prefix}/tasks/me/${task.name}`, { token: alice.token }));
      expectNotFound(await raw("DELETE", `${prefix}/tasks/me/${task.id}`, { token: alice.token }));
      const list = await raw("GET", `${prefix}/tasks`, { token: alice.token });
      expect(list.body.tasks.map((t: { id: string }) => t.id)).toEqual([keep.id]);
      expect(list.body.count).toBe(1);
      const builds = await sql`SELECT transition, job_status FROM workspace_builds WHERE workspace_id = ${task.workspace_id} ORDER BY build_number`;
      expect(builds.map((b) => b.transition)).toEqual(["start", "delete"]);
      expect(builds[1].job_status).toBe("pending");
      const [row] = await sql`SELECT deleted_at FROM tasks WHERE id = ${task.id}`;
      expect(row.deleted_at).not.toBeNull();
      // Every other route treats it as unknown too.
      for (const [method, path, body] of [
        ["PATCH", "input", { input: "x" }],
        ["PATCH", "prompt", { prompt: "x" }],
        ["POST", "send", { input: "x" }],
        ["GET", "logs", undefined],
        ["POST", "pause", undefined],
        ["POST", "resume", undefined],
      ] as const) {
        expectNotFound(await raw(method, `${prefix}/tasks/me/${task.id}/${path}`, { token: alice.token, body }));
      }
    });

    it("PATCH /input and /prompt replace the prompt of a pending task (204)", async () => {
      const alice = await createTestUser();
      const task = await newTask(alice);
      const viaInput = await raw("PATCH", `${prefix}/tasks/me/${task.id}/input`, { token: alice.token, body: { input: "Second prompt" } });
      expect(viaInput.status).toBe(204);
      expect(viaInput.text).toBe("");
      expect(await storedPrompt(task.id)).toBe("Second prompt");
      const got = await raw("GET", `${prefix}/tasks/me/${task.id}`, { token: alice.token });
      expect(got.body.initial_prompt).toBe("Second prompt");
      expect(Date.parse(got.body.updated_at)).toBeGreaterThan(Date.parse(task.updated_at));

      const viaPrompt = await raw("PATCH", `${prefix}/tasks/me/${task.name}/prompt`, { token: alice.token, body: { prompt: "Third prompt" } });
      expect(viaPrompt.status).toBe(204);
      expect(await storedPrompt(task.id)).toBe("Third prompt");

      // The legacy prompts endpoint sees the new prompt too.
      const [build] = await sql`SELECT id FROM workspace_builds WHERE workspace_id = ${task.workspace_id}`;
      const legacy = await raw("GET", `/api/experimental/aitasks/prompts?build_ids=${build.id}`, { token: alice.token });
      expect(legacy.body).toEqual({ prompts: { [build.id]: "Third prompt" } });
    });

    it("PATCH /input and /prompt with a blank or missing value is 400 and changes nothing", async () => {
      const alice = await createTestUser();
      const task = await newTask(alice);
      for (const value of ["", "   ", "\n", null, 3, ["x"]]) {
        expectValidation(await raw("PATCH", `${prefix}/tasks/me/${task.id}/input`, { token: alice.token, body: { input: value } }), "input");
        expectValidation(await raw("PATCH", `${prefix}/tasks/me/${task.id}/prompt`, { token: alice.token, body: { prompt: value } }), "prompt");
      }
      expectValidation(await raw("PATCH", `${prefix}/tasks/me/${task.id}/input`, { token: alice.token, body: { prompt: "wrong key" } }), "input");
      expectValidation(await raw("PATCH", `${prefix}/tasks/me/${task.id}/prompt`, { token: alice.token, body: { input: "wrong key" } }), "prompt");
      expect(await storedPrompt(task.id)).toBe("Initial prompt");
    });

    it("logs of a pending task are an empty snapshot", async () => {
      const alice = await createTestUser();
      const task = await newTask(alice);
      const res = await raw("GET", `${prefix}/tasks/me/${task.id}/logs`, { token: alice.token });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ logs: [], snapshot: true });
    });

    it("send to a pending task is 409; blank input is 400", async () => {
      const alice = await createTestUser();
      const task = await newTask(alice);
      expectError(await raw("POST", `${prefix}/tasks/me/${task.id}/send`, { token: alice.token, body: { input: "hello" } }), 409);
      for (const input of ["", "  ", null]) {
        expectValidation(await raw("POST", `${prefix}/tasks/me/${task.id}/send`, { token: alice.token, body: { input } }), "input");
      }
    });

    it("pause and resume of a pending task are 409 and queue no build", async () => {
      const alice = await createTestUser();
      const task = await newTask(alice);
      expectError(await raw("POST", `${prefix}/tasks/me/${task.id}/pause`, { token: alice.token }), 409);
      expectError(await raw("POST", `${prefix}/tasks/me/${task.id}/resume`, { token: alice.token }), 409);
      expect(await buildCount(task.workspace_id)).toBe(1);
      const got = await raw("GET", `${prefix}/tasks/me/${task.id}`, { token: alice.token });
      expect(got.body.status).toBe("pending");
    });

    it("create answers the same task shape as v2", async () => {
      const alice = await createTestUser();
      const res = await raw("POST", `${prefix}/tasks/me`, { token: alice.token, body: { input: "Shape check", template_version_id: version } });
      expect(res.status).toBe(201);
      const got = await raw("GET", `/api/v2/tasks/me/${res.body.id}`, { token: alice.token });
      expect(res.body).toEqual(got.body);
      expectValidation(await raw("POST", `${prefix}/tasks/me`, { token: alice.token, body: { input: "", template_version_id: version } }), "input");
    });
  });
}

describe("v2 and experimental answer identically", () => {
  it("for GET task, logs, list and the errors of a missing task", async () => {
    const alice = await createTestUser();
    const task = await newTask(alice);
    for (const path of [`/tasks/me/${task.id}`, `/tasks/${alice.username}/${task.name}`, `/tasks/me/${task.id}/logs`, "/tasks", "/tasks?q=status:pending"]) {
      const v2 = await raw("GET", `/api/v2${path}`, { token: alice.token });
      const exp = await raw("GET", `/api/experimental${path}`, { token: alice.token });
      expect(v2.status, path).toBe(200);
      expect(exp.status, path).toBe(200);
      expect(exp.body, path).toEqual(v2.body);
    }
    for (const [method, path, body] of [
      ["GET", "/tasks/me/no-such-task", undefined],
      ["POST", `/tasks/me/${task.id}/send`, { input: "x" }],
      ["POST", `/tasks/me/${task.id}/pause`, undefined],
      ["PATCH", `/tasks/me/${task.id}/input`, { input: "" }],
    ] as const) {
      const v2 = await raw(method, `/api/v2${path}`, { token: alice.token, body });
      const exp = await raw(method, `/api/experimental${path}`, { token: alice.token, body });
      expect(exp.status, path).toBe(v2.status);
      expect(exp.body, path).toEqual(v2.body);
    }
  });
});

describe("legacy GET /api/experimental/aitasks/prompts", () => {
  it("maps build ids to the prompt of their task", async () => {
    const alice = await createTestUser();
    const a = await newTask(alice, { input: "Prompt A" });
    const b = await newTask(alice, { input: "Prompt B" });
    const [buildA] = await sql`SELECT id FROM workspace_builds WHERE workspace_id = ${a.workspace_id}`;
    const [buildB] = await sql`SELECT id FROM workspace_builds WHERE workspace_id = ${b.workspace_id}`;
    const unknown = "5a4b3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d";
    const res = await raw("GET", `/api/experimental/aitasks/prompts?build_ids=${buildA.id},${buildB.id},${unknown}`, { token: alice.token });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ prompts: { [buildA.id]: "Prompt A", [buildB.id]: "Prompt B" } });
    expect((await raw("GET", "/api/experimental/aitasks/prompts?build_ids=", { token: alice.token })).body).toEqual({ prompts: {} });
    expect((await raw("GET", "/api/experimental/aitasks/prompts", { token: alice.token })).body).toEqual({ prompts: {} });
  });

  it("does not reveal another member's prompts, but an admin sees them", async () => {
    const alice = await createTestUser();
    const bob = await createTestUser();
    const admin = await createTestUser("admin");
    const task = await newTask(alice, { input: "Alice's secret plan" });
    const [build] = await sql`SELECT id FROM workspace_builds WHERE workspace_id = ${task.workspace_id}`;
    expect((await raw("GET", `/api/experimental/aitasks/prompts?build_ids=${build.id}`, { token: bob.token })).body).toEqual({ prompts: {} });
    expect((await raw("GET", `/api/experimental/aitasks/prompts?build_ids=${build.id}`, { token: admin.token })).body).toEqual({
      prompts: { [build.id]: "Alice's secret plan" },
    });
  });

  it("a deleted task's build has no prompt", async () => {
    const alice = await createTestUser();
    const task = await newTask(alice);
    const [build] = await sql`SELECT id FROM workspace_builds WHERE workspace_id = ${task.workspace_id}`;
    await raw("DELETE", `/api/v2/tasks/me/${task.id}`, { token: alice.token });
    expect((await raw("GET", `/api/experimental/aitasks/prompts?build_ids=${build.id}`, { token: alice.token })).body).toEqual({ prompts: {} });
  });

  it("a malformed id or too many ids is 400 on build_ids; no token is 401", async () => {
    const alice = await createTestUser();
    for (const ids of ["not-a-uuid", "1,2", "%00", `${"5a4b3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d,".repeat(101)}`]) {
      expectValidation(await raw("GET", `/api/experimental/aitasks/prompts?build_ids=${ids}`, { token: alice.token }), "build_ids");
    }
    expectError(await raw("GET", "/api/experimental/aitasks/prompts?build_ids="), 401);
  });
});
