import { beforeAll, describe, expect, it } from "vitest";
import { createTestUser, echoTemplateVersion, raw, type TestUser } from "../support/api";
import { TaskFixture, testSql } from "../support/db";

/**
 * `task_events`: the triggers of drizzle/0017_task_events.sql write one row per thing that happens
 * to a task, in the transaction of the change, and only for changes that commit.
 */
const sql = testSql();
let version: string;
let alice: TestUser;

beforeAll(async () => {
  version = await echoTemplateVersion();
  alice = await createTestUser();
});

async function newTask(input = "Do the thing") {
  const res = await raw("POST", "/api/v2/tasks/me", { token: alice.token, body: { input, template_version_id: version } });
  expect(res.status).toBe(201);
  return { id: res.body.id as string, fixture: await TaskFixture.of(sql, res.body.id) };
}

const eventsOf = async (taskId: string) =>
  (await sql<{ type: string; owner_id: string }[]>`SELECT type, owner_id FROM task_events WHERE task_id = ${taskId} ORDER BY id`).map((e) => e.type);

describe("task events", () => {
  it("follow a task through its life, once per change of state", async () => {
    const { id, fixture } = await newTask();
    expect(await eventsOf(id)).toEqual(["task.created"]);

    const { agentId, appId } = await fixture.running();
    const at = (s: number) => new Date(Date.now() + s * 1000);
    await fixture.addStatus(agentId, appId!, "working", "starting", at(1));
    await fixture.addStatus(agentId, appId!, "working", "step two: same state, no event", at(2));
    await fixture.addStatus(agentId, appId!, "idle", "done for now", at(3));
    await fixture.addStatus(agentId, appId!, "working", "again", at(4));
    await fixture.addStatus(agentId, appId!, "complete", "all done", at(5));
    await fixture.addStatus(agentId, appId!, "failure", "no, it broke", at(6));

    const stop = await fixture.addBuild("stop", "running");
    await sql`UPDATE workspace_builds SET job_status = 'succeeded' WHERE id = ${stop.id}`;
    await sql`UPDATE workspace_builds SET job_status = 'succeeded' WHERE id = ${stop.id}`; // no change, no event
    const start = await fixture.addBuild("start", "running");
    await sql`UPDATE workspace_builds SET job_status = 'succeeded' WHERE id = ${start.id}`;
    await sql`UPDATE tasks SET pull_request = ${sql.json({ url: "https://github.com/o/r/pull/1", number: 1 })} WHERE id = ${id}`;
    await sql`UPDATE tasks SET pull_request = ${sql.json({ url: "https://github.com/o/r/pull/1", number: 1, state: "merged" })} WHERE id = ${id}`;

    expect(await eventsOf(id)).toEqual([
      "task.created",
      "task.working",
      "task.idle",
      "task.working",
      "task.complete",
      "task.failed",
      "task.paused",
      "task.resumed",
      "task.pull_request",
    ]);
    const [row] = await sql`SELECT owner_id FROM task_events WHERE task_id = ${id} LIMIT 1`;
    expect(row.owner_id).toBe(alice.id);
  });

  it("mark a failed build, a dead agent and a deletion, and nothing after it", async () => {
    const { id, fixture } = await newTask();
    const { appId } = await fixture.running();
    await sql`UPDATE workspace_apps SET health = 'unhealthy' WHERE id = ${appId}`;
    const retry = await fixture.addBuild("start", "running");
    await sql`UPDATE workspace_builds SET job_status = 'failed' WHERE id = ${retry.id}`;
    expect((await raw("DELETE", `/api/v2/tasks/me/${id}`, { token: alice.token })).status).toBe(202);
    await fixture.setLatestJob("failed"); // the delete build failing says nothing more: the task is gone
    expect(await eventsOf(id)).toEqual(["task.created", "task.error", "task.error", "task.deleted"]);
  });

  it("are never written for a change that rolls back", async () => {
    const { id, fixture } = await newTask();
    const { agentId, appId } = await fixture.running();
    await sql
      .begin(async (tx) => {
        await tx`INSERT INTO workspace_app_statuses (workspace_id, agent_id, app_id, state) VALUES (${fixture.workspaceId}, ${agentId}, ${appId}, 'idle')`;
        throw new Error("roll back");
      })
      .catch(() => {});
    expect(await eventsOf(id)).toEqual(["task.created"]);
  });
});
