import fs from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TaskyardClient, type Task } from "../../lib/sdk/client";
import { INTERRUPTED_NOTE } from "../../lib/agent/brains/local";
import { createTestUser, raw, type TestUser } from "../support/api";
import { startFakeAnthropic, textOf, type MessagesRequest, type ScriptedAnswer } from "../support/fake-anthropic";
import { baseUrl as sharedBaseUrl } from "../support/api";
import { newConfigDir, runCli } from "../support/cli";
import { db, waitFor, waitForState, waitForStatus } from "../support/runtime";
import { startServer, tempDataDir } from "../support/stack";

const ROOT = path.resolve(import.meta.dirname, "../..");
/** A long echo turn that shows its progress: a line every 200 ms for 20 s. */
const LONG_TURN = "/steps 100 200";
const PROBLEM_KEYS = ["title", "status", "detail", "errors"];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Its latest agent reply, live or from the snapshot. */
async function lastReply(client: TaskyardClient, taskId: string): Promise<string> {
  const { logs } = await client.logs("me", taskId);
  return logs.filter((l) => l.type === "output").at(-1)?.content ?? "";
}

/** The gateway's turn clock for the task's agent: only an input that becomes a user turn moves it. */
async function turnOf(task: Task): Promise<string> {
  const [row] = await db()`SELECT turn_id FROM workspace_agents WHERE workspace_id = ${task.workspace_id!} ORDER BY created_at DESC LIMIT 1`;
  return row.turn_id as string;
}

/**
 * POSTs …/interrupt and answers how long until the task reads idle "Interrupted", failing past
 * 2 s: the latency a person sees between Stop and a task waiting for input.
 */
async function timedInterrupt(client: TaskyardClient, token: string, taskId: string, prefix = "/api/v2"): Promise<number> {
  const started = performance.now();
  const res = await raw("POST", `${prefix}/tasks/me/${taskId}/interrupt`, { token });
  expect(res.status, res.text).toBe(204);
  expect(res.text).toBe("");
  await waitFor(
    "idle and Interrupted within 2 s of the interrupt",
    async () => {
      const t = await client.task("me", taskId);
      return t.current_state?.state === "idle" && t.current_state.message === "Interrupted";
    },
    2000,
    10,
  );
  return performance.now() - started;
}

/** AgentAPI's problem JSON, as its clients read it: `{title, status, detail}` with the reason in `detail`. */
function expectProblem(res: { status: number; body: any; text: string; headers: Headers }, status: number, detail?: RegExp) {
  expect(res.status, res.text).toBe(status);
  expect(res.headers.get("content-type")).toBe("application/problem+json");
  expect(res.body).toMatchObject({ title: expect.any(String), status, detail: expect.any(String) });
  for (const key of Object.keys(res.body)) expect(PROBLEM_KEYS).toContain(key);
  if (detail) expect(res.body.detail).toMatch(detail);
}

describe("interrupting the echo agent", () => {
  let alice: TestUser;
  let bob: TestUser;
  let version: string;

  beforeAll(async () => {
    [alice, bob] = await Promise.all([createTestUser(), createTestUser()]);
    version = (await alice.client.templates()).find((t) => t.name === "echo")!.active_version_id;
  });

  const stepsShown = (taskId: string, steps: number) =>
    waitFor(`step ${steps} of the long turn`, async () => (await lastReply(alice.client, taskId)).includes(`Step ${steps} of 100`), 30_000, 25);

  it("stops a turn mid-way within 2 s, keeps what it wrote marked (Interrupted), and the agent takes the next input (median of 5)", async () => {
    const task = await alice.client.createTask({ input: LONG_TURN, template_version_id: version });
    await waitForStatus(alice.client, task.id, "active", 30_000);
    const latencies: number[] = [];
    for (let i = 0; i < 5; i++) {
      if (i > 0) await alice.client.send("me", task.id, LONG_TURN);
      await stepsShown(task.id, 2);
      expect((await alice.client.task("me", task.id)).current_state?.state).toBe("working");
      latencies.push(await timedInterrupt(alice.client, alice.token, task.id, i === 4 ? "/api/experimental" : "/api/v2"));
      const reply = await lastReply(alice.client, task.id);
      expect(reply).toMatch(/^Step 1 of 100\nStep 2 of 100\n/);
      expect(reply.endsWith(`\n\n${INTERRUPTED_NOTE}`)).toBe(true);
      expect(reply).not.toContain("Done.");
    }
    console.log(`interrupt latency (echo), POST …/interrupt to idle "Interrupted": median ${median(latencies).toFixed(0)} ms of [${latencies.map((l) => l.toFixed(0)).join(", ")}]`);
    // The workspace kept running: the conversation holds each interrupted turn, and the next input is answered.
    const after = await alice.client.task("me", task.id);
    expect(after.status).toBe("active");
    await alice.client.send("me", task.id, "after the stops");
    await waitFor("the reply", async () => (await lastReply(alice.client, task.id)) === "You said: after the stops");
    const { logs } = await alice.client.logs("me", task.id);
    expect(logs.filter((l) => l.content.endsWith(INTERRUPTED_NOTE))).toHaveLength(5);
    await alice.client.deleteTask("me", task.id);
  }, 120_000);

  it("an interrupt with nothing to stop (idle, paused) is a 204 that changes nothing; someone else's task is 404", async () => {
    const task = await alice.client.createTask({ input: "hello", template_version_id: version });
    await waitForState(alice.client, task.id, "idle", 30_000);
    const before = await alice.client.task("me", task.id);
    const logs = (await alice.client.logs("me", task.id)).logs;
    const turn = await turnOf(task);
    for (const prefix of ["/api/v2", "/api/experimental"]) {
      expect((await raw("POST", `${prefix}/tasks/me/${task.id}/interrupt`, { token: alice.token })).status).toBe(204);
      const other = await raw("POST", `${prefix}/tasks/${alice.username}/${task.id}/interrupt`, { token: bob.token });
      expect(other.status).toBe(404);
      expect(other.body.message).toBe("Resource not found or you do not have access to this resource");
    }
    expect((await alice.client.task("me", task.id)).current_state).toEqual(before.current_state);
    expect((await alice.client.logs("me", task.id)).logs).toEqual(logs);
    expect(await turnOf(task)).toBe(turn);

    await alice.client.pause("me", task.id);
    await waitForStatus(alice.client, task.id, "paused", 30_000);
    expect((await raw("POST", `/api/v2/tasks/me/${task.id}/interrupt`, { token: alice.token })).status).toBe(204);
    expect((await alice.client.task("me", task.id)).status).toBe("paused");
    await alice.client.deleteTask("me", task.id);
  }, 90_000);

  it("AgentAPI raw input through the pass-through: accepted at any status; \\r changes nothing, ESC interrupts, text while stable is a turn (only that starts one)", async () => {
    const task = await alice.client.createTask({ input: "hello", template_version_id: version });
    await waitForState(alice.client, task.id, "idle", 30_000);
    const message = (content: string) => raw("POST", `/api/v2/tasks/me/${task.id}/agentapi/message`, { token: alice.token, body: { type: "raw", content } });

    // Idle: Enter and other lone keys are no-ops (AgentAPI's control mode sends them).
    const state = (await alice.client.task("me", task.id)).current_state;
    const logs = (await alice.client.logs("me", task.id)).logs;
    const turn = await turnOf(task);
    for (const key of ["\r", "\n", "\u001b[A", "\u0003", " "]) {
      const res = await message(key);
      expect(res.status, `${JSON.stringify(key)}: ${res.text}`).toBe(200);
      expect(res.body).toEqual({ ok: true });
    }
    await new Promise((r) => setTimeout(r, 300));
    expect((await alice.client.task("me", task.id)).current_state).toEqual(state);
    expect((await alice.client.logs("me", task.id)).logs).toEqual(logs);
    expect(await turnOf(task)).toBe(turn);

    // Working: keys and text are taken (200) and change nothing; ESC stops the turn without starting another.
    await alice.client.send("me", task.id, LONG_TURN);
    await stepsShown(task.id, 1);
    const working = await turnOf(task);
    expect(working).not.toBe(turn);
    expect((await message("\r")).status).toBe(200);
    expect((await message("and this too\r")).status).toBe(200);
    const started = performance.now();
    expect((await message("\u001b")).status).toBe(200);
    await waitFor("idle after ESC", async () => (await alice.client.task("me", task.id)).current_state?.message === "Interrupted", 2000, 10);
    console.log(`interrupt latency (echo, AgentAPI raw ESC through the pass-through): ${(performance.now() - started).toFixed(0)} ms`);
    expect(await turnOf(task)).toBe(working);
    const afterStop = (await alice.client.logs("me", task.id)).logs;
    expect(afterStop.map((l) => l.content)).not.toContain("and this too");
    expect(afterStop.at(-1)!.content.endsWith(INTERRUPTED_NOTE)).toBe(true);

    // Stable: raw text is a user turn, as AgentAPI's acp transport makes it (bracketed paste and Enter stripped).
    expect((await message("\u001b[200~raw hello\u001b[201~\r")).status).toBe(200);
    await waitFor("the raw turn's reply", async () => (await lastReply(alice.client, task.id)) === "You said: raw hello");
    expect(await turnOf(task)).not.toBe(working);
    await alice.client.deleteTask("me", task.id);
  }, 90_000);

  it("agent_type on /status and status_change is AgentAPI's `custom` for the echo agent", async () => {
    const task = await alice.client.createTask({ input: "hello", template_version_id: version });
    await waitForState(alice.client, task.id, "idle", 30_000);
    const status = await raw("GET", `/api/v2/tasks/me/${task.id}/agentapi/status`, { token: alice.token });
    expect(status.body).toEqual({ status: "stable", agent_type: "custom", transport: "acp" });
    const controller = new AbortController();
    const res = await fetch(`${(alice.client as TaskyardClient).baseUrl}/api/experimental/tasks/me/${task.id}/agentapi/events`, { headers: { "Coder-Session-Token": alice.token }, signal: controller.signal });
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = "";
    while (!text.includes("event: status_change")) text += (await reader.read()).value ?? "";
    controller.abort();
    expect(text).toContain(`event: status_change\ndata: {"status":"stable","agent_type":"custom"}`);
    await alice.client.deleteTask("me", task.id);
  });

  it("every error on /agentapi/* is AgentAPI's problem JSON with the reason in detail", async () => {
    const task = await alice.client.createTask({ input: "hello", template_version_id: version });
    await waitForState(alice.client, task.id, "idle", 30_000);
    const at = (endpoint: string, prefix = "/api/v2") => `${prefix}/tasks/me/${task.id}/agentapi/${endpoint}`;
    for (const prefix of ["/api/v2", "/api/experimental"]) {
      expectProblem(await raw("GET", at("status", prefix)), 401);
      expectProblem(await raw("GET", at("status", prefix), { token: bob.token }), 404, /not found/i);
      expectProblem(await raw("GET", `${prefix}/tasks/me/no-such-task/agentapi/status`, { token: alice.token }), 404);
      expectProblem(await raw("GET", at("nothing-here", prefix), { token: alice.token }), 404);
      expectProblem(await raw("GET", at("message", prefix), { token: alice.token }), 405, /POST/);
      expectProblem(await raw("PUT", at("status", prefix), { token: alice.token, body: {} }), 405, /GET/);
    }
    // The agent's own answers: a user message without content.
    expectProblem(await raw("POST", at("message"), { token: alice.token, body: { type: "user", content: "" } }), 400, /content/);
    // The server's limits: a content longer than a prompt, a body past the endpoint's cap.
    const tooLong = await raw("POST", at("message"), { token: alice.token, body: { type: "user", content: "x".repeat(33 * 1024) } });
    expectProblem(tooLong, 400, /content: must be at most \d+ bytes/);
    expect(tooLong.body.errors).toEqual([{ message: expect.stringMatching(/at most/), location: "body.content" }]);
    expectProblem(await raw("POST", at("message"), { token: alice.token, body: { type: "raw", content: "x".repeat(1024 * 1024 + 1) } }), 413);
    // Unreachable: the agent's address no longer answers.
    const [agent] = await db()`SELECT id, api_url FROM workspace_agents WHERE workspace_id = ${task.workspace_id!} ORDER BY created_at DESC LIMIT 1`;
    await db()`UPDATE workspace_agents SET api_url = 'http://127.0.0.1:9' WHERE id = ${agent.id}`;
    try {
      expectProblem(await raw("GET", at("status"), { token: alice.token }), 502, /reach/);
    } finally {
      await db()`UPDATE workspace_agents SET api_url = ${agent.api_url} WHERE id = ${agent.id}`;
    }
    // Paused: 409, and the toast says what to do.
    await alice.client.pause("me", task.id);
    await waitForStatus(alice.client, task.id, "paused", 30_000);
    for (const endpoint of ["status", "messages", "events"]) expectProblem(await raw("GET", at(endpoint), { token: alice.token }), 409, /paused\. Resume the task first\./);
    expectProblem(await raw("POST", at("message"), { token: alice.token, body: { type: "raw", content: "\u001b" } }), 409, /Resume the task first/);
    await alice.client.deleteTask("me", task.id);
  }, 90_000);

  it("pausing mid-turn is a 409 unless forced; forced, the turn is interrupted first and its partial answer, marked, is in the snapshot", async () => {
    const task = await alice.client.createTask({ input: LONG_TURN, template_version_id: version });
    await stepsShown(task.id, 2);
    const refused = await raw("POST", `/api/v2/tasks/me/${task.id}/pause`, { token: alice.token });
    expect(refused.status, refused.text).toBe(409);
    expect(refused.body.message).toMatch(/agent is working/);
    expect(refused.body.detail).toMatch(/force/);
    expect((await raw("POST", `/api/experimental/tasks/me/${task.id}/pause`, { token: alice.token, body: { force: false } })).status).toBe(409);
    expect((await raw("POST", `/api/v2/tasks/me/${task.id}/pause`, { token: alice.token, body: { force: "yes" } })).status).toBe(400);
    // Refused, the turn goes on.
    await stepsShown(task.id, 4);
    expect((await alice.client.task("me", task.id)).status).toBe("active");

    const forced = await raw("POST", `/api/v2/tasks/me/${task.id}/pause`, { token: alice.token, body: { force: true } });
    expect(forced.status, forced.text).toBe(202);
    await waitForStatus(alice.client, task.id, "paused", 30_000);
    const snapshot = await alice.client.logs("me", task.id);
    expect(snapshot.snapshot).toBe(true);
    const reply = snapshot.logs.at(-1)!.content;
    expect(reply).toMatch(/^Step 1 of 100\nStep 2 of 100\nStep 3 of 100\nStep 4 of 100\n/);
    expect(reply.endsWith(`\n\n${INTERRUPTED_NOTE}`)).toBe(true);

    // Resumed, the conversation is whole and the agent waits for input, not for the lost turn.
    await alice.client.resume("me", task.id);
    await waitForStatus(alice.client, task.id, "active", 30_000);
    expect((await alice.client.logs("me", task.id)).logs.map((l) => l.content)).toEqual(snapshot.logs.map((l) => l.content));
    // `?force=true` says the same for clients that send no body; an idle agent needs no force at all.
    await alice.client.send("me", task.id, LONG_TURN);
    await stepsShown(task.id, 1);
    expect((await raw("POST", `/api/v2/tasks/me/${task.id}/pause?force=true`, { token: alice.token })).status).toBe(202);
    await waitForStatus(alice.client, task.id, "paused", 30_000);
    await alice.client.deleteTask("me", task.id);
  }, 120_000);

  it("the CLI: `task stop` interrupts the turn, `task pause` mid-turn says to use --force, and --force pauses", async () => {
    const config = await newConfigDir();
    try {
      expect((await runCli(["login", sharedBaseUrl(), "--token", alice.token], { config })).code).toBe(0);
      const task = await alice.client.createTask({ input: LONG_TURN, template_version_id: version });
      await stepsShown(task.id, 2);
      const stop = await runCli(["task", "stop", task.name], { config });
      expect(stop.code, stop.stderr).toBe(0);
      expect(stop.stdout).toContain(`Interrupted the agent of ${alice.username}/${task.name}`);
      expect((await alice.client.task("me", task.id)).current_state).toMatchObject({ state: "idle", message: "Interrupted" });
      const again = await runCli(["task", "stop", task.name], { config });
      expect(again.code, again.stderr).toBe(0);
      expect(again.stdout).toContain("was not working");

      await alice.client.send("me", task.id, LONG_TURN);
      await stepsShown(task.id, 1);
      const refused = await runCli(["task", "pause", task.name, "-y"], { config });
      expect(refused.code).not.toBe(0);
      expect(refused.stderr).toContain("its agent is working");
      expect(refused.stderr).toContain("--force");
      expect((await alice.client.task("me", task.id)).status).toBe("active");
      const forced = await runCli(["task", "pause", task.name, "-y", "--force"], { config });
      expect(forced.code, forced.stderr).toBe(0);
      expect((await alice.client.task("me", task.id)).status).toBe("paused");
      expect((await lastReply(alice.client, task.id)).endsWith(INTERRUPTED_NOTE)).toBe(true);
      await alice.client.deleteTask("me", task.id);
    } finally {
      await fs.rm(config, { recursive: true, force: true });
    }
  }, 90_000);

  it("the agentapi template passes its agent's own agent_type through, and its Stop (ESC) interrupts that agent", async () => {
    const [row] = await db()`SELECT tv.id FROM template_versions tv JOIN templates t ON t.id = tv.template_id WHERE t.name = 'agentapi'`;
    const original = (await db()`SELECT config FROM template_versions WHERE id = ${row.id}`)[0].config;
    await db()`UPDATE template_versions SET config = ${db().json({
      brain: "agentapi",
      command: [process.execPath, path.join(ROOT, "bin/taskyard.mjs"), "agentapi-server", "--port", "$PORT", "--type", "aider"],
    })} WHERE id = ${row.id}`;
    try {
      const task = await alice.client.createTask({ input: "hello", template_version_id: row.id as string });
      await waitFor("the proxied reply", async () => (await lastReply(alice.client, task.id)) === "You said: hello", 30_000);
      expect((await raw("GET", `/api/v2/tasks/me/${task.id}/agentapi/status`, { token: alice.token })).body).toMatchObject({ agent_type: "aider" });
      await alice.client.send("me", task.id, LONG_TURN);
      await stepsShown(task.id, 2);
      const ms = await timedInterrupt(alice.client, alice.token, task.id);
      console.log(`interrupt latency (agentapi template, ESC to its agent): ${ms.toFixed(0)} ms`);
      expect(await lastReply(alice.client, task.id)).toMatch(/^Step 1 of 100\nStep 2 of 100\n[\s\S]*\(Interrupted\)$/);
      await alice.client.deleteTask("me", task.id);
    } finally {
      await db()`UPDATE template_versions SET config = ${db().json(original)} WHERE id = ${row.id}`;
    }
  }, 90_000);
});

/** The model, scripted: a turn that never ends by itself (every answer another tool call). */
function model(request: MessagesRequest): ScriptedAnswer {
  if (textOf(request).includes("Loop forever")) {
    return { content: [{ type: "text", text: "Again." }, { type: "tool_use", name: "Bash", input: { command: "echo again", description: "Loop" } }], usage: { input_tokens: 100, output_tokens: 10 } };
  }
  return { content: [{ type: "text", text: "Done." }] };
}

describe("interrupting Claude Code", () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  let client: TaskyardClient;
  let token: string;
  let baseUrl: string;
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c().catch(() => {});
  });

  beforeAll(async () => {
    const api = await startFakeAnthropic(model);
    cleanups.push(() => api.close());
    const dataDir = await tempDataDir();
    const server = await startServer({ dataDir, env: { ANTHROPIC_API_KEY: "sk-ant-test", ANTHROPIC_BASE_URL: api.url, ANTHROPIC_MODEL: "" } });
    cleanups.push(() => fs.rm(dataDir, { recursive: true, force: true }), () => server.proc.stop());
    baseUrl = server.baseUrl;
    token = (await new TaskyardClient({ baseUrl }).login("admin@example.com", "admin-password")).session_token;
    client = new TaskyardClient({ baseUrl, token });
  });

  it("the Agent SDK's interrupt stops a looping turn within 2 s, keeping its transcript so far marked; agent_type is `claude` (median of 5)", async () => {
    const claude = (await client.templates()).find((t) => t.name === "claude")!;
    const task = await client.createTask({ input: "Loop forever", template_version_id: claude.active_version_id });
    const latencies: number[] = [];
    for (let i = 0; i < 5; i++) {
      if (i > 0) await client.send("me", task.id, "Loop forever, again");
      const before = (await client.logs("me", task.id)).logs.length;
      await waitFor("two rounds of the loop", async () => {
        const { logs } = await client.logs("me", task.id);
        return logs.length > before && (logs.at(-1)!.content.match(/Bash: echo again/g)?.length ?? 0) >= 2;
      }, 90_000, 50);
      if (i === 0) {
        const status = await fetch(`${baseUrl}/api/v2/tasks/me/${task.id}/agentapi/status`, { headers: { "Coder-Session-Token": token } }).then((r) => r.json());
        expect(status).toEqual({ status: "running", agent_type: "claude", transport: "acp" });
      }
      const started = performance.now();
      const res = await fetch(`${baseUrl}/api/v2/tasks/me/${task.id}/interrupt`, { method: "POST", headers: { "Coder-Session-Token": token } });
      expect(res.status).toBe(204);
      await waitFor("idle and Interrupted within 2 s", async () => {
        const t = await client.task("me", task.id);
        return t.current_state?.state === "idle" && t.current_state.message === "Interrupted";
      }, 2000, 10);
      latencies.push(performance.now() - started);
      const reply = (await client.logs("me", task.id)).logs.at(-1)!.content;
      expect(reply.split("\n\n").slice(0, 4)).toEqual(["Again.", "Bash: echo again", "Again.", "Bash: echo again"]);
      expect(reply.endsWith(`\n\n${INTERRUPTED_NOTE}`)).toBe(true);
    }
    console.log(`interrupt latency (Claude Code, Agent SDK interrupt), POST …/interrupt to idle "Interrupted": median ${median(latencies).toFixed(0)} ms of [${latencies.map((l) => l.toFixed(0)).join(", ")}]`);
    // Stopped, it stays stopped: no more model calls once the turn has ended.
    const { logs } = await client.logs("me", task.id);
    await new Promise((r) => setTimeout(r, 1500));
    expect((await client.logs("me", task.id)).logs).toEqual(logs);
    expect((await client.task("me", task.id)).status).toBe("active");
    await client.deleteTask("me", task.id);
  }, 240_000);
});
