import fs from "node:fs/promises";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb } from "../../lib/db/client";
import { pauseIdleTasks } from "../../lib/db/queries/auto-pause";
import { TaskyardClient, type Task } from "../../lib/sdk/client";
import { say, waitFor, waitForState, waitForStatus } from "../support/runtime";
import { databaseUrlOf } from "../support/stack-db";
import { startServer, taskyard, tempDataDir, type Proc } from "../support/stack";

const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => {});
});

/**
 * A server without a provisioner of its own and two `taskyard provisioner` daemons on its database,
 * both sweeping for idle tasks every 200 ms: every pause below is raced by two sweeps, and each test
 * checks that its task got exactly one stop build per idle period.
 */
let sql: postgres.Sql;
let client: TaskyardClient;
let echo: string;
let databaseUrl: string;
const daemons: Proc[] = [];

beforeAll(async () => {
  const dataDir = await tempDataDir();
  const server = await startServer({ dataDir, args: ["--no-provisioner"] });
  cleanups.push(() => fs.rm(dataDir, { recursive: true, force: true }), () => server.proc.stop());
  databaseUrl = await databaseUrlOf(dataDir);
  sql = postgres(databaseUrl, { max: 2, onnotice: () => {} });
  cleanups.push(() => sql.end());
  for (let i = 0; i < 2; i++) {
    const p = taskyard(["provisioner"], {
      DATABASE_URL: databaseUrl,
      TASKYARD_DATA_DIR: dataDir,
      TASKYARD_ACCESS_URL: server.baseUrl,
      TASKYARD_AUTO_PAUSE_SWEEP_MS: "200",
    });
    cleanups.push(() => p.stop());
    await waitFor("provisioner up", async () => p.output().includes("waiting for builds"), 15_000);
    daemons.push(p);
  }
  const { session_token } = await new TaskyardClient({ baseUrl: server.baseUrl }).login("admin@example.com", "admin-password");
  client = new TaskyardClient({ baseUrl: server.baseUrl, token: session_token });
  echo = (await client.templates()).find((t) => t.name === "echo")!.active_version_id;
}, 120_000);

const idleAfter = (seconds: string) => [{ name: "auto_pause_after_idle", value: seconds }];

async function idleTask(input: string, options: { seconds?: string; version?: string } = {}): Promise<Task> {
  const task = await client.createTask({ input, template_version_id: options.version ?? echo, rich_parameter_values: options.seconds === undefined ? undefined : idleAfter(options.seconds) });
  await waitForStatus(client, task.id, "active", 30_000);
  await waitForState(client, task.id, "idle", 30_000);
  return task;
}

async function builds(workspaceId: string) {
  return sql`SELECT build_number, transition, reason, idle_seconds, job_status FROM workspace_builds WHERE workspace_id = ${workspaceId} ORDER BY build_number`;
}

const output = () => daemons.map((d) => d.output()).join("\n");

describe("idle auto-pause", () => {
  it("pauses a task idle for its auto_pause_after_idle once, keeps its snapshot, says why, and resumes with its conversation", async () => {
    const task = await idleTask("remember the word heron", { seconds: "3" });
    const reply = await say(client, task.id, "and the word kestrel");
    expect(reply).toBe("You said: and the word kestrel");
    const idleSince = new Date((await client.task("me", task.id)).current_state!.timestamp!).getTime();

    const paused = await waitForStatus(client, task.id, "paused", 30_000).catch((e) => {
      throw new Error(`${e.message}\n${output()}`);
    });
    const pausedAfterMs = Date.now() - idleSince;
    console.log(`auto-pause: paused ${pausedAfterMs} ms after the agent went idle (setting 3 s, sweeps every 200 ms, two provisioners)`);
    expect(pausedAfterMs).toBeGreaterThanOrEqual(3000);
    expect(paused.paused_reason).toBe("Paused after 3 s idle");
    expect(paused.workspace_status).toBe("stopped");
    // The list says it too.
    const listed = (await client.tasks("", { limit: 100 })).tasks.find((t) => t.id === task.id)!;
    expect(listed.paused_reason).toBe("Paused after 3 s idle");

    // One stop build, the sweep's, after the start.
    expect((await builds(task.workspace_id!)).map((b) => [b.transition, b.reason, b.idle_seconds, b.job_status])).toEqual([
      ["start", "initiator", null, "succeeded"],
      ["stop", "autostop", 3, "succeeded"],
    ]);
    // The existing trigger's event.
    const events = await sql`SELECT type FROM task_events WHERE task_id = ${task.id} AND type = 'task.paused'`;
    expect(events).toHaveLength(1);

    // The snapshot: the conversation is readable while paused.
    const logs = await client.logs("me", task.id);
    expect(logs.snapshot).toBe(true);
    expect(logs.logs.map((l) => l.content)).toEqual(["remember the word heron", "You said: remember the word heron", "and the word kestrel", "You said: and the word kestrel"]);

    // Resume as usual: the reason is gone once it runs, the conversation is intact and goes on.
    await client.resume("me", task.id);
    const resumed = await waitForStatus(client, task.id, "active", 30_000);
    expect(resumed.paused_reason).toBeNull();
    await waitForState(client, task.id, "idle");
    expect(await say(client, task.id, "still there?")).toBe("You said: still there?");
    const live = await client.logs("me", task.id);
    expect(live.snapshot).toBeUndefined();
    expect(live.logs.map((l) => l.content).slice(0, 4)).toEqual(logs.logs.map((l) => l.content));

    // Idle again after the resume: paused again, by a second stop build.
    await waitForStatus(client, task.id, "paused", 30_000);
    const after = await builds(task.workspace_id!);
    expect(after.map((b) => [b.transition, b.reason])).toEqual([
      ["start", "initiator"],
      ["stop", "autostop"],
      ["start", "initiator"],
      ["stop", "autostop"],
    ]);
    await client.deleteTask("me", task.id);
  }, 120_000);

  it("input before the deadline restarts the clock; 0 is off; a template's setting applies when the task has none", async () => {
    // A version of the echo template whose tasks pause after 2 s idle unless they say otherwise.
    const [version] = await sql`
      INSERT INTO template_versions (template_id, name, config)
      SELECT template_id, 'idle-2s', ${sql.json({ brain: "echo", auto_pause_after_idle: 2 })} FROM template_versions WHERE id = ${echo}
      RETURNING id`;
    const off = await idleTask("never pause me", { seconds: "0", version: version.id as string });
    const byTemplate = await idleTask("the template decides", { version: version.id as string });
    // Last, so that its conversation starts the moment it is idle.
    const talkative = await idleTask("keep talking", { seconds: "4" });

    // Every ~1 s an input, for 9 s (more than twice its 4 s): it never pauses.
    const started = Date.now();
    let sent = 0;
    while (Date.now() - started < 9000) {
      await say(client, talkative.id, `ping ${sent++}`);
      expect((await client.task("me", talkative.id)).status).toBe("active");
      await new Promise((r) => setTimeout(r, 1000));
    }
    expect((await builds(talkative.workspace_id!)).map((b) => b.transition)).toEqual(["start"]);

    // The template's 2 s applied to the task without a setting, long ago by now.
    const templated = await waitForStatus(client, byTemplate.id, "paused", 30_000);
    expect(templated.paused_reason).toBe("Paused after 2 s idle");
    expect((await builds(byTemplate.workspace_id!)).map((b) => [b.transition, b.reason, b.idle_seconds])).toEqual([
      ["start", "initiator", null],
      ["stop", "autostop", 2],
    ]);

    // Left alone, the talkative one pauses after its own 4 s.
    const quiet = await waitForStatus(client, talkative.id, "paused", 30_000);
    expect(quiet.paused_reason).toBe("Paused after 4 s idle");

    // 0 on a 2 s template: idle for the whole test (over 9 s), never paused.
    const still = await client.task("me", off.id);
    expect(still.status).toBe("active");
    expect(still.paused_reason).toBeNull();
    expect(Date.now() - new Date(still.current_state!.timestamp!).getTime()).toBeGreaterThan(9000);
    expect((await builds(off.workspace_id!)).map((b) => b.transition)).toEqual(["start"]);

    // A person's pause carries no reason.
    await client.pause("me", off.id);
    const byHand = await waitForStatus(client, off.id, "paused", 30_000);
    expect(byHand.paused_reason).toBeNull();
    for (const t of [talkative, off, byTemplate]) await client.deleteTask("me", t.id);
  }, 120_000);

  it("a turn the server just handed the agent, an input on its way or a working agent keeps a task from being due", async () => {
    // No setting: only this test's sweep (default 1 s) finds them due, never the daemons (30 min).
    const [turn, input, working, control] = await Promise.all(["turn", "input", "working", "control"].map((w) => idleTask(`due ${w}`)));
    await new Promise((r) => setTimeout(r, 1200));
    await sql`UPDATE workspace_agents SET turn_started_at = now() WHERE workspace_id = ${turn.workspace_id!}`;
    // Being delivered (claimed just now): neither this server's delivery sweep nor the stale check touches it for 30 s.
    await sql`INSERT INTO task_inputs (task_id, input, state, claimed_at, message_index) VALUES (${input.id}, 'on its way', 'delivering', now(), 2)`;
    await sql`
      INSERT INTO workspace_app_statuses (workspace_id, agent_id, app_id, state, message)
      SELECT s.workspace_id, s.agent_id, s.app_id, 'working', 'Thinking' FROM workspace_app_statuses s
      WHERE s.workspace_id = ${working.workspace_id!} ORDER BY s.created_at DESC LIMIT 1`;
    const { db, sql: pool } = createDb(databaseUrl, { max: 1 });
    cleanups.push(() => pool.end());
    const paused = await pauseIdleTasks(db, { defaultSeconds: 1 });
    expect(paused.map((p) => p.task_id)).toEqual([control.id]);
    // And once the input has gone through and a second has passed, that one is due too.
    await sql`UPDATE task_inputs SET state = 'delivered', delivered_at = now() WHERE task_id = ${input.id}`;
    await new Promise((r) => setTimeout(r, 1200));
    expect((await pauseIdleTasks(db, { defaultSeconds: 1 })).map((p) => p.task_id).sort()).toEqual([input.id, turn.id].sort());
    for (const t of [turn, input, working, control]) await client.deleteTask("me", t.id);
  }, 120_000);

  it("ten sweeps racing over the same idle tasks queue exactly one stop build each", async () => {
    // No setting anywhere: the daemons' default (30 min) never makes these due; the racing sweeps'
    // default of 1 s does, for all ten at once.
    const tasks = await Promise.all(Array.from({ length: 6 }, (_, i) => idleTask(`race ${i}`)));
    await new Promise((r) => setTimeout(r, 1200));
    const pools = Array.from({ length: 10 }, () => createDb(databaseUrl, { max: 1 }));
    cleanups.push(() => Promise.all(pools.map((p) => p.sql.end())));
    await Promise.all(pools.map((p) => p.sql`SELECT 1`));
    const results = await Promise.all(pools.map((p) => pauseIdleTasks(p.db, { defaultSeconds: 1 })));
    const ours = results.flat().filter((r) => tasks.some((t) => t.id === r.task_id));
    expect(ours.map((r) => r.task_id).sort(), JSON.stringify(results)).toEqual(tasks.map((t) => t.id).sort());
    for (const t of tasks) {
      const paused = await waitForStatus(client, t.id, "paused", 30_000);
      expect(paused.paused_reason).toBe("Paused after 1 s idle");
      const stops = (await builds(t.workspace_id!)).filter((b) => b.transition === "stop");
      expect(stops, JSON.stringify(results)).toHaveLength(1);
      expect(stops[0]).toMatchObject({ reason: "autostop", idle_seconds: 1, job_status: "succeeded" });
    }
    console.log(`auto-pause race: the 6 stops came from ${results.filter((r) => r.length > 0).length} of the 10 racing sweeps`);
    // Across every test of this file: no stop build ever followed anything but a running start.
    const doubled = await sql`
      SELECT b.workspace_id, b.build_number FROM workspace_builds b
      JOIN workspace_builds prev ON prev.workspace_id = b.workspace_id AND prev.build_number = b.build_number - 1
      WHERE b.transition = 'stop' AND prev.transition <> 'start'`;
    expect(doubled).toEqual([]);
  }, 120_000);
});
