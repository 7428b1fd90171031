import fs from "node:fs/promises";
import postgres from "postgres";
import { afterAll, describe, expect, it } from "vitest";
import { TaskyardClient, type TaskInput } from "../../lib/sdk/client";
import { createTestUser, echoTemplateVersion, raw, type TestUser } from "../support/api";
import { db, waitFor, waitForState, waitForStatus } from "../support/runtime";
import { startServer, tempDataDir } from "../support/stack";
import { lastUserText, startFakeAnthropic } from "../support/fake-anthropic";
import { databaseUrlOf } from "../support/stack-db";

// Issue 23, point 3: follow-ups sent while the agent works are queued (…/inputs), delivered in
// order, one at a time, whenever the agent waits for input — after a turn, a pause/resume and a
// server restart — and can be removed until then. Real server, real PostgreSQL, the echo agent.

const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => {});
});

const inputsPath = (taskId: string, prefix = "/api/v2") => `${prefix}/tasks/me/${taskId}/inputs`;

async function activeTask(client: TaskyardClient, input: string) {
  const task = await client.createTask({ input, template_version_id: await echoTemplateVersion() });
  await waitForStatus(client, task.id, "active", 30_000);
  await waitForState(client, task.id, "idle", 30_000);
  return task;
}

const contents = async (client: TaskyardClient, taskId: string) => (await client.logs("me", taskId)).logs.map((l) => l.content);

/** The user's messages in the conversation, in order. */
const userTurns = async (client: TaskyardClient, taskId: string) =>
  (await client.logs("me", taskId)).logs.filter((l) => l.type === "input").map((l) => l.content);

/** The task's inputs once none is on its way any more (the agent may answer before its delivery is recorded). */
const settled = (client: TaskyardClient, taskId: string) =>
  waitFor("every input delivered", async () => {
    const { inputs } = await client.inputs("me", taskId);
    return inputs.every((i) => i.state === "delivered") ? inputs : undefined;
  });

function expectInOrder(inputs: TaskInput[]) {
  const delivered = inputs.map((i) => Date.parse(i.delivered_at!));
  expect(delivered).toEqual([...delivered].sort((a, b) => a - b));
}

describe("the input queue", () => {
  let alice: TestUser;

  it("delivers at once when the agent waits, else queues; in order and one at a time after the turn", async () => {
    alice = await createTestUser();
    const task = await activeTask(alice.client, "Queue prompt");

    const first = await raw("POST", inputsPath(task.id), { token: alice.token, body: { input: "/sleep 2500" } });
    expect(first.status).toBe(202);
    // The agent was waiting: the input went straight to it.
    expect(first.body).toEqual({ id: expect.any(String), input: "/sleep 2500", state: "delivered", created_at: expect.any(String), delivered_at: expect.any(String) });
    await waitForState(alice.client, task.id, "working");

    const a = await raw("POST", inputsPath(task.id), { token: alice.token, body: { input: "queued one" } });
    // The experimental prefix answers the same routes.
    const b = await raw("POST", inputsPath(task.id, "/api/experimental"), { token: alice.token, body: { input: "queued two" } });
    expect([a.status, b.status]).toEqual([202, 202]);
    expect(a.body).toMatchObject({ input: "queued one", state: "queued", delivered_at: null });
    expect(b.body).toMatchObject({ input: "queued two", state: "queued", delivered_at: null });
    // Coder's /send keeps its answer for a busy agent.
    expect((await raw("POST", `/api/v2/tasks/me/${task.id}/send`, { token: alice.token, body: { input: "direct" } })).status).toBe(502);

    const listed = await alice.client.inputs("me", task.id);
    expect(listed.inputs.map((i) => [i.input, i.state])).toEqual([
      ["/sleep 2500", "delivered"],
      ["queued one", "queued"],
      ["queued two", "queued"],
    ]);
    // Nothing reaches the agent while it works.
    expect(await userTurns(alice.client, task.id)).toEqual(["Queue prompt", "/sleep 2500"]);

    await waitFor("both queued inputs answered", async () => (await contents(alice.client, task.id)).includes("You said: queued two"), 20_000);
    const logs = await contents(alice.client, task.id);
    expect(logs.slice(2)).toEqual([expect.stringContaining("/sleep 2500"), expect.stringMatching(/Slept 2500 ms/), "queued one", "You said: queued one", "queued two", "You said: queued two"]);
    await settled(alice.client, task.id);
    const after = (await raw("GET", inputsPath(task.id, "/api/experimental"), { token: alice.token })).body as { inputs: TaskInput[] };
    expect(after.inputs.map((i) => [i.input, i.state])).toEqual([
      ["/sleep 2500", "delivered"],
      ["queued one", "delivered"],
      ["queued two", "delivered"],
    ]);
    expectInOrder(after.inputs);
  });

  it("removes a queued input, which then never reaches the agent; a delivered one is a 409", async () => {
    const task = await activeTask(alice.client, "Remove prompt");
    await alice.client.queueInput("me", task.id, "/sleep 2000");
    await waitForState(alice.client, task.id, "working");
    const keep = await alice.client.queueInput("me", task.id, "keep me");
    const drop = await alice.client.queueInput("me", task.id, "drop me");
    expect((await raw("DELETE", `${inputsPath(task.id)}/${drop.id}`, { token: alice.token })).status).toBe(204);
    expect((await raw("DELETE", `${inputsPath(task.id, "/api/experimental")}/${drop.id}`, { token: alice.token })).status).toBe(404);
    expect((await alice.client.inputs("me", task.id)).inputs.map((i) => i.input)).toEqual(["/sleep 2000", "keep me"]);

    await waitFor("the kept input answered", async () => (await contents(alice.client, task.id)).includes("You said: keep me"), 20_000);
    await waitForState(alice.client, task.id, "idle");
    // Two more sweeps of the server go by: the removed input stays out of the conversation.
    await new Promise((r) => setTimeout(r, 4500));
    expect(await userTurns(alice.client, task.id)).toEqual(["Remove prompt", "/sleep 2000", "keep me"]);
    const late = await raw("DELETE", `${inputsPath(task.id)}/${keep.id}`, { token: alice.token });
    expect(late.status).toBe(409);
    expect(late.body.message).toMatch(/already been delivered/);
  });

  it("is someone else's task: 404 for every route; bad input is a 400 with validations", async () => {
    const task = await activeTask(alice.client, "Private prompt");
    const queued = await alice.client.queueInput("me", task.id, "mine");
    const bob = await createTestUser();
    for (const prefix of ["/api/v2", "/api/experimental"]) {
      const path = `${prefix}/tasks/${alice.username}/${task.id}/inputs`;
      expect((await raw("POST", path, { token: bob.token, body: { input: "hijack" } })).status).toBe(404);
      expect((await raw("GET", path, { token: bob.token })).status).toBe(404);
      expect((await raw("DELETE", `${path}/${queued.id}`, { token: bob.token })).status).toBe(404);
    }
    // Nobody's input by that id on this task, and an id that is no UUID, are 404 too.
    expect((await raw("DELETE", `${inputsPath(task.id)}/00000000-0000-4000-8000-000000000000`, { token: alice.token })).status).toBe(404);
    expect((await raw("DELETE", `${inputsPath(task.id)}/not-a-uuid`, { token: alice.token })).status).toBe(404);
    expect((await raw("GET", inputsPath(task.id), { token: bob.token })).body.message).toBe("Resource not found or you do not have access to this resource");

    for (const body of [{}, { input: "" }, { input: "   " }, { input: 42 }, { text: "hi" }]) {
      const res = await raw("POST", inputsPath(task.id), { token: alice.token, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.validations?.[0]?.field ?? res.body.message).toBeTruthy();
    }
    const notJson = await raw("POST", inputsPath(task.id), { token: alice.token, rawBody: "{", headers: { "content-type": "application/json" } });
    expect(notJson.status).toBe(400);
    expect(notJson.body).toHaveProperty("message");
    expect((await raw("POST", inputsPath(task.id), { body: { input: "x" } })).status).toBe(401);
  });

  it("keeps the queue across a pause and delivers it, in order, after the resume", async () => {
    const task = await activeTask(alice.client, "Pause prompt");
    await alice.client.pause("me", task.id);
    await waitForStatus(alice.client, task.id, "paused", 30_000);
    const one = await alice.client.queueInput("me", task.id, "while paused one");
    const two = await alice.client.queueInput("me", task.id, "while paused two");
    expect([one.state, two.state]).toEqual(["queued", "queued"]);
    await new Promise((r) => setTimeout(r, 2500));
    expect((await alice.client.inputs("me", task.id)).inputs.map((i) => i.state)).toEqual(["queued", "queued"]);

    await alice.client.resume("me", task.id);
    await waitFor("both answered after the resume", async () => (await contents(alice.client, task.id)).includes("You said: while paused two"), 30_000);
    expect(await userTurns(alice.client, task.id)).toEqual(["Pause prompt", "while paused one", "while paused two"]);
    const inputs = await settled(alice.client, task.id);
    expect(inputs.map((i) => i.state)).toEqual(["delivered", "delivered"]);
    expectInOrder(inputs);
  });

  it("settles a delivery its server never finished: delivered if the agent has it, else delivered now — never twice", async () => {
    const task = await activeTask(alice.client, "Crash prompt");
    const length = (await alice.client.logs("me", task.id)).logs.length;
    // As a server that died mid-delivery leaves them: claimed long ago, with the conversation's length then.
    // One the agent did take (it is in the conversation), and one it never got.
    await alice.client.send("me", task.id, "taken before the crash");
    await waitForState(alice.client, task.id, "idle");
    await waitFor("reply", async () => (await contents(alice.client, task.id)).includes("You said: taken before the crash"));
    const [taken] = await db()`
      INSERT INTO task_inputs (task_id, input, state, message_index, claimed_at, created_at)
      VALUES (${task.id}, 'taken before the crash', 'delivering', ${length}, now() - interval '1 minute', now() - interval '2 minutes') RETURNING id`;
    const [lost] = await db()`
      INSERT INTO task_inputs (task_id, input, created_at) VALUES (${task.id}, 'queued behind it', now() - interval '1 minute') RETURNING id`;

    await waitFor("the stale one settled and the next delivered", async () => (await contents(alice.client, task.id)).includes("You said: queued behind it"), 20_000);
    await settled(alice.client, task.id);
    const rows = await db()`SELECT id, state FROM task_inputs WHERE task_id = ${task.id} ORDER BY created_at`;
    expect(rows.map((r) => [r.id, r.state])).toEqual([
      [taken.id, "delivered"],
      [lost.id, "delivered"],
    ]);
    expect(await userTurns(alice.client, task.id)).toEqual(["Crash prompt", "taken before the crash", "queued behind it"]);

    // A stale claim the agent never saw goes back in line and is delivered once.
    const at = (await alice.client.logs("me", task.id)).logs.length;
    await db()`
      INSERT INTO task_inputs (task_id, input, state, message_index, claimed_at)
      VALUES (${task.id}, 'never reached it', 'delivering', ${at}, now() - interval '1 minute')`;
    await waitFor("the unseen one delivered", async () => (await contents(alice.client, task.id)).includes("You said: never reached it"), 20_000);
    await new Promise((r) => setTimeout(r, 2500));
    expect((await userTurns(alice.client, task.id)).filter((t) => t === "never reached it")).toHaveLength(1);
  });
});

describe("the input queue across a server restart", () => {
  it("delivers what was queued before the server stopped, in order, once it is back", async () => {
    const dataDir = await tempDataDir();
    cleanups.push(() => fs.rm(dataDir, { recursive: true, force: true }));
    let server = await startServer({ dataDir });
    cleanups.push(() => server.proc.stop());
    const login = async (baseUrl: string) => {
      const anon = new TaskyardClient({ baseUrl });
      const { session_token } = await waitFor("login", () => anon.login("admin@example.com", "admin-password"), 5000);
      return new TaskyardClient({ baseUrl, token: session_token });
    };
    let client = await login(server.baseUrl);
    const version = (await client.templates()).find((t) => t.name === "echo")!.active_version_id;
    const task = await client.createTask({ input: "Restart prompt", template_version_id: version });
    await waitForState(client, task.id, "idle", 30_000);

    await client.queueInput("me", task.id, "/sleep 3000");
    await waitForState(client, task.id, "working");
    await client.queueInput("me", task.id, "after restart one");
    await client.queueInput("me", task.id, "after restart two");
    // Stopped mid-turn: the agents go down with the server, the queue stays in the database.
    await server.proc.stop();

    server = await startServer({ dataDir, port: server.port });
    const sql = postgres(await databaseUrlOf(dataDir), { max: 1, onnotice: () => {} });
    cleanups.push(() => sql.end());
    client = await login(server.baseUrl);
    await waitFor("both answered after the restart", async () => (await contents(client, task.id)).includes("You said: after restart two"), 45_000);
    const turns = (await client.logs("me", task.id)).logs.filter((l) => l.type === "input").map((l) => l.content);
    expect(turns).toEqual(["Restart prompt", "/sleep 3000", "after restart one", "after restart two"]);
    const inputs = await settled(client, task.id);
    expect(inputs.map((i) => [i.input, i.state])).toEqual([
      ["/sleep 3000", "delivered"],
      ["after restart one", "delivered"],
      ["after restart two", "delivered"],
    ]);
    expectInOrder(inputs);
    expect((await sql`SELECT count(*)::int AS n FROM task_inputs WHERE state <> 'delivered'`)[0].n).toBe(0);
  }, 150_000);
});

describe("the input queue with Claude Code", () => {
  it("holds follow-ups during a slow model turn and delivers them in order, each its own turn", async () => {
    // A slow first turn (the stand-in pauses between stream events); each follow-up is echoed.
    const api = await startFakeAnthropic((request) => {
      const text = lastUserText(request);
      if (text.includes("Think slowly")) return { content: [{ type: "text", text: "Done thinking slowly." }], delayMs: 1500 };
      const which = text.includes("follow-up two") ? "two" : text.includes("follow-up one") ? "one" : "something else";
      return { content: [{ type: "text", text: `Answered ${which}.` }] };
    });
    cleanups.push(() => api.close());
    const dataDir = await tempDataDir();
    cleanups.push(() => fs.rm(dataDir, { recursive: true, force: true }));
    const server = await startServer({ dataDir, env: { ANTHROPIC_API_KEY: "sk-ant-test", ANTHROPIC_BASE_URL: api.url, ANTHROPIC_MODEL: "" } });
    cleanups.push(() => server.proc.stop());
    const { session_token } = await new TaskyardClient({ baseUrl: server.baseUrl }).login("admin@example.com", "admin-password");
    const client = new TaskyardClient({ baseUrl: server.baseUrl, token: session_token });
    const version = (await client.templates()).find((t) => t.name === "claude")!.active_version_id;
    const task = await client.createTask({ input: "Think slowly", template_version_id: version });
    await waitForState(client, task.id, "working", 60_000);

    const one = await client.queueInput("me", task.id, "follow-up one");
    const two = await client.queueInput("me", task.id, "follow-up two");
    expect([one.state, two.state]).toEqual(["queued", "queued"]);
    const outputs = async () => (await client.logs("me", task.id)).logs.filter((l) => l.type === "output").map((l) => l.content);
    await waitFor("both follow-ups answered", async () => (await outputs()).some((o) => o === "Answered two."), 90_000, 250).catch(async (e: Error) => {
      const t = await client.task("me", task.id);
      throw new Error(`${e.message}; state ${JSON.stringify(t.current_state)}; logs ${JSON.stringify((await client.logs("me", task.id)).logs.map((l) => l.content))}; inputs ${JSON.stringify((await client.inputs("me", task.id)).inputs)}; requests ${api.requests?.length}`);
    });
    const logs = (await client.logs("me", task.id)).logs;
    expect(logs.filter((l) => l.type === "input").map((l) => l.content)).toEqual(["Think slowly", "follow-up one", "follow-up two"]);
    const texts = logs.map((l) => l.content);
    expect(texts).toEqual(["Think slowly", "Done thinking slowly.", "follow-up one", "Answered one.", "follow-up two", "Answered two."]);
    const inputs = await settled(client, task.id);
    expect(inputs.map((i) => i.state)).toEqual(["delivered", "delivered"]);
    expectInOrder(inputs);
    // Each delivery started a turn of its own for the model gateway (startAgentTurn): three turns' calls.
    const sql = postgres(await databaseUrlOf(dataDir), { max: 1, onnotice: () => {} });
    cleanups.push(() => sql.end());
    const [{ turns }] = await sql`SELECT count(DISTINCT turn_id)::int AS turns FROM model_calls WHERE task_id = ${task.id}`;
    expect(turns).toBe(3);
  }, 180_000);
});
