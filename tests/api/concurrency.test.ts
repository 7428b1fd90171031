import { beforeAll, describe, expect, inject, it } from "vitest";
import { createTestUser, echoTemplateVersion, raw, uniqueName, type TestUser } from "../support/api";
import { TaskFixture, testSql } from "../support/db";
import { expectClientError } from "../support/expect";

const sql = testSql();
let version: string;
let alice: TestUser;

beforeAll(async () => {
  version = await echoTemplateVersion();
  alice = await createTestUser();
});

const statuses = (results: { status: number }[]) => results.map((r) => r.status).sort();
const times = <T>(n: number, f: (i: number) => Promise<T>) => Promise.all(Array.from({ length: n }, (_, i) => f(i)));

async function newTask(body: Record<string, unknown> = {}) {
  const res = await raw("POST", "/api/v2/tasks/me", { token: alice.token, body: { input: "Race me", template_version_id: version, ...body } });
  expect(res.status).toBe(201);
  return res.body as { id: string; name: string; workspace_id: string };
}

describe("racing requests settle cleanly (no 5xx, no duplicates)", () => {
  it("creating tasks with the same explicit name at once: one 201, the rest 409", async () => {
    const name = uniqueName("race");
    const results = await times(8, () => raw("POST", "/api/v2/tasks/me", { token: alice.token, body: { input: "x", template_version_id: version, name } }));
    expect(statuses(results)).toEqual([201, ...Array(7).fill(409)]);
    for (const r of results.filter((r) => r.status === 409)) expectClientError(r);
    expect((await sql`SELECT count(*)::int AS n FROM tasks WHERE owner_id = ${alice.id} AND lower(name) = lower(${name})`)[0].n).toBe(1);
    expect((await sql`SELECT count(*)::int AS n FROM workspaces WHERE owner_id = ${alice.id} AND lower(name) = lower(${name})`)[0].n).toBe(1);
  });

  it("creating many tasks from the same prompt at once gives distinct generated names", async () => {
    const prompt = `Same prompt ${uniqueName("p")}`;
    const results = await times(10, () => raw("POST", "/api/v2/tasks/me", { token: alice.token, body: { input: prompt, template_version_id: version } }));
    expect(statuses(results)).toEqual(Array(10).fill(201));
    expect(new Set(results.map((r) => r.body.name)).size).toBe(10);
  });

  it("creating users with the same username at once: one 201, the rest 409", async () => {
    const username = uniqueName("raceuser");
    const results = await times(6, (i) =>
      raw("POST", "/api/v2/users", { token: inject("ownerToken"), body: { email: `${username}-${i}@example.com`, username, password: "password-123" } }),
    );
    expect(statuses(results)).toEqual([201, 409, 409, 409, 409, 409]);
  });

  it("pausing at once: one 202, the rest 409, and a single stop build", async () => {
    const task = await newTask();
    const fixture = await TaskFixture.of(sql, task.id);
    await fixture.running();
    const results = await times(6, () => raw("POST", `/api/v2/tasks/me/${task.id}/pause`, { token: alice.token }));
    expect(statuses(results)).toEqual([202, 409, 409, 409, 409, 409]);
    expect((await fixture.builds()).map((b) => b.transition)).toEqual(["start", "stop"]);
  });

  it("resuming at once: one 202, the rest 409, and a single new start build", async () => {
    const task = await newTask();
    const fixture = await TaskFixture.of(sql, task.id);
    await fixture.running();
    await fixture.addBuild("stop", "succeeded");
    const results = await times(6, () => raw("POST", `/api/v2/tasks/me/${task.id}/resume`, { token: alice.token }));
    expect(statuses(results)).toEqual([202, 409, 409, 409, 409, 409]);
    expect((await fixture.builds()).map((b) => b.transition)).toEqual(["start", "stop", "start"]);
  });

  it("deleting at once: one 202, the rest 404, and a single delete build", async () => {
    const task = await newTask();
    const fixture = await TaskFixture.of(sql, task.id);
    const results = await times(6, () => raw("DELETE", `/api/v2/tasks/me/${task.id}`, { token: alice.token }));
    expect(statuses(results)).toEqual([202, 404, 404, 404, 404, 404]);
    expect((await fixture.builds()).map((b) => b.transition)).toEqual(["start", "delete"]);
  });

  it("pause racing delete: never a stop build after the delete build", async () => {
    const task = await newTask();
    const fixture = await TaskFixture.of(sql, task.id);
    await fixture.running();
    const [pause, del] = await Promise.all([
      raw("POST", `/api/v2/tasks/me/${task.id}/pause`, { token: alice.token }),
      raw("DELETE", `/api/v2/tasks/me/${task.id}`, { token: alice.token }),
    ]);
    expect(del.status).toBe(202);
    expect([202, 404]).toContain(pause.status);
    const transitions = (await fixture.builds()).map((b) => b.transition);
    expect(transitions[transitions.length - 1]).toBe("delete");
    expect(transitions.filter((t) => t === "delete")).toHaveLength(1);
  });
});
