import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestUser, echoTemplateVersion, raw, type TestUser } from "../support/api";
import { TaskFixture, testSql, type AppHealth, type JobStatus, type Lifecycle, type Transition } from "../support/db";
import { expectError, expectValidation } from "../support/expect";
import { deadAddress, startEchoAgent, type EchoAgent } from "../support/echo-agent";

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
  return { task: res.body as { id: string; name: string; workspace_id: string }, fixture: await TaskFixture.of(sql, res.body.id) };
}

const getTask = async (id: string) => {
  const res = await raw("GET", `/api/v2/tasks/me/${id}`, { token: alice.token });
  expect(res.status).toBe(200);
  return res.body;
};

/** GET task, and the list filtered by that status, must both say `status`. */
async function expectStatus(taskId: string, status: string) {
  const task = await getTask(taskId);
  expect(task.status).toBe(status);
  const listed = await raw("GET", `/api/v2/tasks?q=${encodeURIComponent(`status:${status}`)}`, { token: alice.token });
  expect(listed.status).toBe(200);
  const entry = listed.body.tasks.find((t: { id: string }) => t.id === taskId);
  expect(entry, `task listed under status:${status}`).toBeDefined();
  expect(entry).toEqual(task);
  return task;
}

describe("status derivation: the decision table of api.md", () => {
  it("1. no workspace → pending", async () => {
    const { task } = await newTask();
    await sql`UPDATE tasks SET workspace_id = NULL WHERE id = ${task.id}`;
    const t = await expectStatus(task.id, "pending");
    expect(t).toMatchObject({ workspace_id: null, workspace_status: null, workspace_build_number: 0, current_state: null, workspace_agent_id: null });
  });

  it("2. a workspace without any build → pending", async () => {
    const { task } = await newTask();
    await sql`DELETE FROM workspace_builds WHERE workspace_id = ${task.workspace_id}`;
    const t = await expectStatus(task.id, "pending");
    expect(t.workspace_status).toBeNull();
    expect(t.current_state).toBeNull();
  });

  const buildCases: { label: string; builds: [Transition, JobStatus][]; status: string; workspace: string }[] = [
    { label: "start pending", builds: [["start", "pending"]], status: "pending", workspace: "pending" },
    { label: "start failed", builds: [["start", "failed"]], status: "error", workspace: "failed" },
    { label: "start canceling", builds: [["start", "canceling"]], status: "error", workspace: "canceling" },
    { label: "start canceled", builds: [["start", "canceled"]], status: "error", workspace: "canceled" },
    { label: "stop succeeded", builds: [["start", "succeeded"], ["stop", "succeeded"]], status: "paused", workspace: "stopped" },
    { label: "delete succeeded", builds: [["start", "succeeded"], ["delete", "succeeded"]], status: "paused", workspace: "deleted" },
    { label: "stop pending", builds: [["start", "succeeded"], ["stop", "pending"]], status: "unknown", workspace: "pending" },
    { label: "stop running", builds: [["start", "succeeded"], ["stop", "running"]], status: "unknown", workspace: "stopping" },
    { label: "delete pending", builds: [["start", "succeeded"], ["delete", "pending"]], status: "unknown", workspace: "pending" },
    { label: "delete running", builds: [["start", "succeeded"], ["delete", "running"]], status: "unknown", workspace: "deleting" },
    { label: "stop failed", builds: [["start", "succeeded"], ["stop", "failed"]], status: "error", workspace: "failed" },
    { label: "stop canceled", builds: [["start", "succeeded"], ["stop", "canceled"]], status: "error", workspace: "canceled" },
    { label: "start running (no agent yet)", builds: [["start", "running"]], status: "initializing", workspace: "starting" },
    {
      label: "start pending after a stop (resume queued)",
      builds: [["start", "succeeded"], ["stop", "succeeded"], ["start", "pending"]],
      status: "pending",
      workspace: "pending",
    },
  ];
  for (const c of buildCases) {
    it(`latest build ${c.label} → ${c.status}`, async () => {
      const { task, fixture } = await newTask();
      await fixture.setLatestJob(c.builds[0][1]);
      for (const [transition, job] of c.builds.slice(1)) await fixture.addBuild(transition, job);
      const t = await expectStatus(task.id, c.status);
      expect(t.workspace_status).toBe(c.workspace);
      expect(t.workspace_build_number).toBe(c.builds.length);
      if (c.status !== "initializing") expect(t.current_state).toBeNull();
    });
  }

  it("start running with no agent → initializing with a synthetic 'Workspace is starting'", async () => {
    const { task, fixture } = await newTask();
    const build = await fixture.setLatestJob("running");
    const t = await expectStatus(task.id, "initializing");
    expect(t.current_state).toEqual({ timestamp: build.created_at.toISOString(), state: "working", message: "Workspace is starting", uri: "" });
  });

  const agentCases: { lifecycle: Lifecycle | null; health: AppHealth | null; status: string; synthetic?: RegExp }[] = [
    { lifecycle: null, health: null, status: "initializing", synthetic: /^Agent is starting$/ },
    { lifecycle: "created", health: null, status: "initializing", synthetic: /^Agent is starting$/ },
    { lifecycle: "starting", health: "initializing", status: "initializing", synthetic: /^Agent is starting$/ },
    { lifecycle: "ready", health: "initializing", status: "initializing", synthetic: /\S/ },
    { lifecycle: "start_timeout", health: "initializing", status: "initializing", synthetic: /\S/ },
    { lifecycle: "ready", health: "healthy", status: "active" },
    { lifecycle: "ready", health: "disabled", status: "active" },
    { lifecycle: "start_timeout", health: "healthy", status: "active" },
    { lifecycle: "start_error", health: "healthy", status: "active" },
    { lifecycle: "ready", health: "unhealthy", status: "error" },
    { lifecycle: "start_error", health: "unhealthy", status: "error" },
    { lifecycle: "ready", health: null, status: "unknown" },
    { lifecycle: "shutting_down", health: "healthy", status: "unknown" },
    { lifecycle: "shutdown_timeout", health: "healthy", status: "unknown" },
    { lifecycle: "shutdown_error", health: "healthy", status: "unknown" },
    { lifecycle: "off", health: "healthy", status: "unknown" },
  ];
  for (const c of agentCases) {
    it(`start succeeded, agent ${c.lifecycle ?? "none"}, app ${c.health ?? "none"} → ${c.status}`, async () => {
      const { task, fixture } = await newTask();
      const build = await fixture.setLatestJob("succeeded");
      let agentId: string | null = null;
      let appId: string | null = null;
      if (c.lifecycle) {
        agentId = await fixture.addAgent(build.id, c.lifecycle);
        if (c.health) appId = await fixture.addApp(agentId, c.health);
      }
      const t = await expectStatus(task.id, c.status);
      expect(t.workspace_status).toBe("running");
      expect(t.workspace_agent_id).toBe(agentId);
      expect(t.workspace_agent_lifecycle).toBe(c.lifecycle);
      expect(t.workspace_app_id).toBe(appId);
      if (agentId) expect(t.workspace_agent_health).toEqual({ healthy: c.lifecycle === "ready", reason: c.lifecycle === "ready" ? "" : expect.any(String) });
      else expect(t.workspace_agent_health).toBeNull();
      if (c.synthetic) {
        expect(t.current_state).toMatchObject({ state: "working", uri: "", timestamp: build.created_at.toISOString() });
        expect(t.current_state.message).toMatch(c.synthetic);
      } else {
        expect(t.current_state).toBeNull();
      }
    });
  }

  it("an agent of an earlier start build does not count: a new start build without its own agent is initializing", async () => {
    const { task, fixture } = await newTask();
    await fixture.running();
    await fixture.addBuild("stop", "succeeded");
    await fixture.addBuild("start", "running");
    const t = await expectStatus(task.id, "initializing");
    expect(t.workspace_agent_id).toBeNull();
    expect(t.current_state).toMatchObject({ state: "working", message: "Workspace is starting" });
  });
});

describe("current_state", () => {
  it("is the newest app status of the current lifetime, with failure reported as failed", async () => {
    const { task, fixture } = await newTask();
    const { agentId, appId } = await fixture.running();
    const t0 = Date.now();
    await fixture.addStatus(agentId, appId!, "working", "Reading the code", new Date(t0 + 1000));
    await fixture.addStatus(agentId, appId!, "idle", "Done, waiting for input", new Date(t0 + 3000), "https://example.com/pr/1");
    await fixture.addStatus(agentId, appId!, "working", "An older one inserted late", new Date(t0 + 2000));
    let t = await expectStatus(task.id, "active");
    expect(t.current_state).toEqual({
      timestamp: new Date(t0 + 3000).toISOString(),
      state: "idle",
      message: "Done, waiting for input",
      uri: "https://example.com/pr/1",
    });
    await fixture.addStatus(agentId, appId!, "failure", "Tests are red", new Date(t0 + 4000));
    t = await getTask(task.id);
    expect(t.current_state).toMatchObject({ state: "failed", message: "Tests are red", uri: "" });
    await fixture.addStatus(agentId, appId!, "complete", "All done", new Date(t0 + 5000));
    expect((await getTask(task.id)).current_state).toMatchObject({ state: "complete", message: "All done" });
  });

  it("ignores statuses older than the latest start build", async () => {
    const { task, fixture } = await newTask();
    const first = await fixture.running();
    const t0 = (await fixture.latestBuild()).created_at.getTime();
    await fixture.addStatus(first.agentId, first.appId!, "idle", "From the first lifetime", new Date(t0 + 1000));
    expect((await getTask(task.id)).current_state).toMatchObject({ state: "idle", message: "From the first lifetime" });
    await fixture.addBuild("stop", "succeeded", new Date(t0 + 2000));
    // Paused: the latest start build is still the first one, so its lifetime's last word stands.
    let t = await expectStatus(task.id, "paused");
    expect(t.current_state).toMatchObject({ state: "idle", message: "From the first lifetime" });

    const restart = await fixture.addBuild("start", "succeeded", new Date(t0 + 3000));
    const agent2 = await fixture.addAgent(restart.id, "ready");
    const app2 = await fixture.addApp(agent2, "healthy");
    t = await expectStatus(task.id, "active");
    expect(t.workspace_agent_id).toBe(agent2);
    expect(t.workspace_app_id).toBe(app2);
    expect(t.workspace_build_number).toBe(3);
    expect(t.current_state).toBeNull();

    // A status stamped before the restart, even one naming the new agent, is from before this lifetime.
    await fixture.addStatus(agent2, app2, "working", "Too early", new Date(t0 + 2500));
    expect((await getTask(task.id)).current_state).toBeNull();

    await fixture.addStatus(agent2, app2, "working", "Second lifetime", new Date(t0 + 4000));
    expect((await getTask(task.id)).current_state).toMatchObject({ state: "working", message: "Second lifetime" });
  });

  it("while restarting, the previous lifetime's status gives way to the synthetic entry", async () => {
    const { task, fixture } = await newTask();
    const first = await fixture.running();
    const t0 = (await fixture.latestBuild()).created_at.getTime();
    await fixture.addStatus(first.agentId, first.appId!, "complete", "Finished before the pause", new Date(t0 + 1000));
    await fixture.addBuild("stop", "succeeded", new Date(t0 + 2000));
    const restart = await fixture.addBuild("start", "running", new Date(t0 + 3000));
    const t = await expectStatus(task.id, "initializing");
    expect(t.current_state).toEqual({ timestamp: restart.created_at.toISOString(), state: "working", message: "Workspace is starting", uri: "" });
  });

  it("while initializing, a real status replaces the synthetic entry", async () => {
    const { task, fixture } = await newTask();
    const { agentId, appId } = await fixture.running({ health: "initializing" });
    let t = await expectStatus(task.id, "initializing");
    expect(t.current_state.state).toBe("working");
    await fixture.addStatus(agentId, appId!, "working", "Cloning the repository", new Date(Date.now() + 1000));
    t = await getTask(task.id);
    expect(t.current_state).toMatchObject({ state: "working", message: "Cloning the repository" });
  });

  it("a start that failed before any agent spoke says why (its build's error); without an error there is no entry", async () => {
    const { task, fixture } = await newTask();
    const build = await fixture.setLatestJob("failed", "terraform exploded");
    expect((await expectStatus(task.id, "error")).current_state).toEqual({ timestamp: build.created_at.toISOString(), state: "failed", message: "terraform exploded", uri: "" });
    await fixture.setLatestJob("failed", "");
    expect((await expectStatus(task.id, "error")).current_state).toBeNull();
  });
});

describe("actions by status", () => {
  const agents: EchoAgent[] = [];
  afterAll(async () => {
    await Promise.all(agents.map((a) => a.close()));
  });

  const route = (taskId: string, action: string) => `/api/v2/tasks/me/${taskId}/${action}`;
  const prompt = async (taskId: string) => (await sql`SELECT prompt FROM tasks WHERE id = ${taskId}`)[0].prompt;

  /** One task in each status that is not pending. */
  async function arrange(status: "initializing" | "active" | "paused" | "error" | "unknown", agent?: { url: string; secret?: string }) {
    const made = await newTask("Original prompt");
    const f = made.fixture;
    if (status === "initializing") await f.running({ lifecycle: "starting", health: null });
    if (status === "active") await f.running({ apiUrl: agent?.url ?? null, apiSecret: agent?.secret ?? null });
    if (status === "paused") {
      await f.running();
      await f.addBuild("stop", "succeeded");
    }
    if (status === "error") await f.setLatestJob("failed", "boom");
    if (status === "unknown") await f.running({ lifecycle: "off" });
    expect((await getTask(made.task.id)).status).toBe(status);
    return made;
  }

  it("PATCH input/prompt: 204 while paused or failed before its first start; 409 while initializing, active or unknown (prompt unchanged)", async () => {
    const paused = await arrange("paused");
    expect((await raw("PATCH", route(paused.task.id, "input"), { token: alice.token, body: { input: "Edited while paused" } })).status).toBe(204);
    expect(await prompt(paused.task.id)).toBe("Edited while paused");
    expect((await raw("PATCH", route(paused.task.id, "prompt"), { token: alice.token, body: { prompt: "Edited again" } })).status).toBe(204);
    expect(await prompt(paused.task.id)).toBe("Edited again");

    // A start that failed (a bad repository, say) can be edited and retried (lib/tasks/edit-rules.ts).
    const failed = await arrange("error");
    expect((await raw("PATCH", route(failed.task.id, "prompt"), { token: alice.token, body: { prompt: "Edited after the failure" } })).status).toBe(204);
    expect(await prompt(failed.task.id)).toBe("Edited after the failure");

    for (const status of ["initializing", "active", "unknown"] as const) {
      const { task } = await arrange(status);
      expectError(await raw("PATCH", route(task.id, "input"), { token: alice.token, body: { input: "nope" } }), 409);
      expectError(await raw("PATCH", route(task.id, "prompt"), { token: alice.token, body: { prompt: "nope" } }), 409);
      expect(await prompt(task.id)).toBe("Original prompt");
    }
  });

  it("send: 409 while initializing or paused; 400 while error or unknown", async () => {
    for (const status of ["initializing", "paused"] as const) {
      const { task } = await arrange(status);
      expectError(await raw("POST", route(task.id, "send"), { token: alice.token, body: { input: "hi" } }), 409);
    }
    for (const status of ["error", "unknown"] as const) {
      const { task } = await arrange(status);
      expectError(await raw("POST", route(task.id, "send"), { token: alice.token, body: { input: "hi" } }), 400);
    }
  });

  it("send to an active task posts a user message to its agent (204); 502 when busy, unreachable or unregistered", async () => {
    const agent = await startEchoAgent();
    agents.push(agent);
    const { task } = await arrange("active", agent);
    const res = await raw("POST", route(task.id, "send"), { token: alice.token, body: { input: "Please also add tests" } });
    expect(res.status).toBe(204);
    await agent.untilStable();
    expect(agent.said()).toEqual([
      { role: "user", content: "Please also add tests" },
      { role: "agent", content: "You said: Please also add tests" },
    ]);

    // Busy: the echo brain stays `running` for 2 s while it "sleeps".
    await agent.brain.send("/sleep 2000");
    expect(agent.brain.status()).toBe("running");
    expectError(await raw("POST", route(task.id, "send"), { token: alice.token, body: { input: "again" } }), 502);
    expect(agent.said().filter((m) => m.role === "user")).toEqual([
      { role: "user", content: "Please also add tests" },
      { role: "user", content: "/sleep 2000" },
    ]);

    const gone = await arrange("active", { url: await deadAddress() });
    expectError(await raw("POST", route(gone.task.id, "send"), { token: alice.token, body: { input: "hello?" } }), 502);
    const unregistered = await arrange("active");
    expectError(await raw("POST", route(unregistered.task.id, "send"), { token: alice.token, body: { input: "hello?" } }), 502);
    expectValidation(await raw("POST", route(task.id, "send"), { token: alice.token, body: { input: "" } }), "input");
  });

  it("logs: live from the agent while active (no snapshot fields), roles mapped to input/output", async () => {
    const agent = await startEchoAgent([
      { role: "user", content: "Original prompt" },
      { role: "agent", content: "On it." },
    ]);
    agents.push(agent);
    const [prompted, answered] = agent.brain.messages();
    const { task } = await arrange("active", agent);
    const res = await raw("GET", route(task.id, "logs"), { token: alice.token });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      logs: [
        { id: 0, content: "Original prompt", type: "input", time: prompted.time },
        { id: 1, content: "On it.", type: "output", time: answered.time },
      ],
    });
    const gone = await arrange("active", { url: await deadAddress() });
    expectError(await raw("GET", route(gone.task.id, "logs"), { token: alice.token }), 502);
  });

  it("logs: the stored snapshot while paused or initializing; 409 while error or unknown", async () => {
    const paused = await arrange("paused");
    expect((await raw("GET", route(paused.task.id, "logs"), { token: alice.token })).body).toEqual({ logs: [], snapshot: true });
    const capturedAt = new Date(Date.now() - 5000);
    const time = new Date(Date.now() - 10_000).toISOString();
    await paused.fixture.setSnapshot(
      [
        { id: 0, content: "Original prompt", role: "user", time },
        { id: 1, content: "Half way there", role: "agent", time },
      ],
      capturedAt,
    );
    const res = await raw("GET", route(paused.task.id, "logs"), { token: alice.token });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      logs: [
        { id: 0, content: "Original prompt", type: "input", time },
        { id: 1, content: "Half way there", type: "output", time },
      ],
      snapshot: true,
      snapshot_at: capturedAt.toISOString(),
    });

    const init = await arrange("initializing");
    expect((await raw("GET", route(init.task.id, "logs"), { token: alice.token })).body).toEqual({ logs: [], snapshot: true });

    for (const status of ["error", "unknown"] as const) {
      const { task } = await arrange(status);
      expectError(await raw("GET", route(task.id, "logs"), { token: alice.token }), 409);
    }
  });

  it("deleting a task deletes its snapshot", async () => {
    const paused = await arrange("paused");
    await paused.fixture.setSnapshot([{ id: 0, content: "x", role: "user", time: new Date().toISOString() }]);
    expect((await raw("DELETE", `/api/v2/tasks/me/${paused.task.id}`, { token: alice.token })).status).toBe(202);
    expect(await sql`SELECT 1 FROM task_snapshots WHERE task_id = ${paused.task.id}`).toHaveLength(0);
  });

  it("pause of an active task is 202 with a stop build; then pause and resume are 409 while it is in flight", async () => {
    const { task, fixture } = await arrange("active");
    const res = await raw("POST", route(task.id, "pause"), { token: alice.token });
    expect(res.status).toBe(202);
    const build = res.body.workspace_build;
    expect(build).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      workspace_id: task.workspace_id,
      build_number: 2,
      transition: "stop",
      status: "pending",
      reason: expect.any(String),
      created_at: expect.any(String),
      job: { status: "pending", error: null },
    });
    expect((await fixture.latestBuild()).id).toBe(build.id);
    expect((await getTask(task.id)).status).toBe("unknown");
    expectError(await raw("POST", route(task.id, "pause"), { token: alice.token }), 409);
    expectError(await raw("POST", route(task.id, "resume"), { token: alice.token }), 409);
    expect(await fixture.builds()).toHaveLength(2);

    await fixture.setLatestJob("succeeded");
    expect((await getTask(task.id)).status).toBe("paused");
    expectError(await raw("POST", route(task.id, "pause"), { token: alice.token }), 409);
  });

  it("pause is allowed while the workspace runs (initializing, unhealthy app) and refused when it does not", async () => {
    const init = await arrange("initializing");
    expect((await raw("POST", route(init.task.id, "pause"), { token: alice.token })).status).toBe(202);
    for (const status of ["paused", "error"] as const) {
      const { task, fixture } = await arrange(status);
      const before = (await fixture.builds()).length;
      expectError(await raw("POST", route(task.id, "pause"), { token: alice.token }), 409);
      expect(await fixture.builds()).toHaveLength(before);
    }
  });

  it("resume of a paused or errored task is 202 with a start build; of an active, initializing or unknown task 409", async () => {
    for (const status of ["paused", "error"] as const) {
      const { task, fixture } = await arrange(status);
      const before = (await fixture.builds()).length;
      const res = await raw("POST", route(task.id, "resume"), { token: alice.token });
      expect(res.status, status).toBe(202);
      expect(res.body.workspace_build).toMatchObject({ transition: "start", build_number: before + 1, status: "pending", job: { status: "pending", error: null } });
      expect((await getTask(task.id)).status).toBe("pending");
    }
    for (const status of ["active", "initializing", "unknown"] as const) {
      const { task, fixture } = await arrange(status);
      const before = (await fixture.builds()).length;
      expectError(await raw("POST", route(task.id, "resume"), { token: alice.token }), 409);
      expect(await fixture.builds(), status).toHaveLength(before);
    }
  });

  it("resume of a task whose host was lost (its agent retired: off, app unhealthy) is 202", async () => {
    const { task, fixture } = await arrange("unknown");
    await testSql()`UPDATE workspace_apps SET health = 'unhealthy' WHERE agent_id = (SELECT id FROM workspace_agents WHERE workspace_id = ${task.workspace_id})`;
    const before = (await fixture.builds()).length;
    const res = await raw("POST", route(task.id, "resume"), { token: alice.token });
    expect(res.status, res.text).toBe(202);
    expect(await fixture.builds()).toHaveLength(before + 1);
  });
});
