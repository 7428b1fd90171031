import { randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { costOf } from "../../lib/gateway/prices";
import { TaskyardClient, type Task } from "../../lib/sdk/client";
import { isToolResult, latestPrompt, startFakeAnthropic, textOf, type MessagesRequest, type ScriptedAnswer } from "../support/fake-anthropic";
import { filesContaining } from "../support/leaks";
import { environOf, processesOfUid } from "../support/processes";
import { waitFor, waitForStatus } from "../support/runtime";
import { startServer, tempDataDir } from "../support/stack";
import { databaseUrlOf } from "../support/stack-db";

const REAL_KEY = `sk-ant-api03-${randomBytes(24).toString("hex")}`;
const GATEWAY = "/api/v2/aigateway/anthropic";
/** The server's limit on one turn's model calls: well above what any other turn here takes. */
const TURN_SECONDS = 15;

/** The model, scripted: Claude Code runs for real against it, through the gateway. */
function model(request: MessagesRequest): ScriptedAnswer {
  // A turn that never ends by itself: every answer is another tool call, each call ~$0.0105 on claude-haiku-4-5.
  if (textOf(request).includes("Loop forever")) {
    return { content: [{ type: "tool_use", name: "Bash", input: { command: "echo again", description: "Loop" } }], usage: { input_tokens: 10_000, output_tokens: 100 } };
  }
  // A turn that works, then hangs inside its second call: the stand-in has sent that call's message_start and nothing more.
  if (textOf(request).includes("Work then hang")) {
    if (isToolResult(request)) return { content: [{ type: "text", text: "never sent" }], usage: { input_tokens: 6000 }, stall: true };
    return { content: [{ type: "tool_use", name: "Bash", input: { command: "echo working", description: "Work" } }], usage: { input_tokens: 4000, output_tokens: 40 } };
  }
  if (isToolResult(request)) return { content: [{ type: "text", text: "Saved." }], usage: { input_tokens: 321, output_tokens: 12 } };
  if (latestPrompt(request).includes("Save what you were given")) {
    return {
      content: [{ type: "tool_use", name: "Bash", input: { command: "printenv ANTHROPIC_API_KEY > key.txt; printenv ANTHROPIC_BASE_URL > url.txt", description: "Save the settings" } }],
      usage: { input_tokens: 1234, output_tokens: 56, cache_read_input_tokens: 78, cache_creation_input_tokens: 90 },
    };
  }
  if (latestPrompt(request).includes("Answer slowly")) return { content: [{ type: "text", text: "One. Two. Three." }], delayMs: 400 };
  if (latestPrompt(request).includes("Stop halfway")) return { content: [{ type: "text", text: "never sent" }], usage: { input_tokens: 5000 }, stall: true };
  return { content: [{ type: "text", text: "Done." }] };
}

const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => {});
});

describe("the model gateway", () => {
  let client: TaskyardClient;
  let baseUrl: string;
  let dataDir: string;
  let sql: postgres.Sql;
  let api: Awaited<ReturnType<typeof startFakeAnthropic>>;
  let task: Task;
  let key: string;

  beforeAll(async () => {
    api = await startFakeAnthropic(model);
    cleanups.push(() => api.close());
    dataDir = await tempDataDir();
    const server = await startServer({ dataDir, env: { ANTHROPIC_API_KEY: REAL_KEY, ANTHROPIC_BASE_URL: api.url, ANTHROPIC_MODEL: "", TASKYARD_TURN_MAX_SECONDS: String(TURN_SECONDS) } });
    cleanups.push(() => fs.rm(dataDir, { recursive: true, force: true }), () => server.proc.stop());
    baseUrl = server.baseUrl;
    sql = postgres(await databaseUrlOf(dataDir), { max: 2, onnotice: () => {} });
    cleanups.push(() => sql.end());
    const { session_token } = await new TaskyardClient({ baseUrl }).login("admin@example.com", "admin-password");
    client = new TaskyardClient({ baseUrl, token: session_token });
  });

  /** Sums of what the provider answered (and would bill), and their cost by the gateway's price table. */
  const billedTotals = () => {
    const sum = { input_tokens: 0, output_tokens: 0, cache_read_input_tokens: 0, cache_creation_input_tokens: 0, cost_usd: 0 };
    // The gateway's calls (x-api-key), not the server's own for naming tasks (a bearer token).
    for (const b of api.billed.filter((x) => x.key === REAL_KEY)) {
      for (const k of ["input_tokens", "output_tokens", "cache_read_input_tokens", "cache_creation_input_tokens"] as const) sum[k] += b[k];
      sum.cost_usd += costOf(b.model, b);
    }
    return sum;
  };
  const expectUsageToBeBilled = async () => {
    const billed = billedTotals();
    const usage = await waitFor("the usage to settle", async () => {
      const u = (await client.task("me", task.id)).usage;
      return u.input_tokens === billed.input_tokens && u.output_tokens === billed.output_tokens ? u : undefined;
    });
    expect(usage).toMatchObject({ cache_read_input_tokens: billed.cache_read_input_tokens, cache_creation_input_tokens: billed.cache_creation_input_tokens });
    expect(usage.cost_usd).toBeCloseTo(billed.cost_usd, 5);
  };
  /** A Messages API call as a coding agent makes one (offering a tool: the stand-in scripts those). */
  const call = (body: object, withKey = key, signal?: AbortSignal) =>
    fetch(`${baseUrl}${GATEWAY}/v1/messages`, {
      method: "POST",
      headers: { "x-api-key": withKey, "anthropic-version": "2023-06-01", "content-type": "application/json" },
      body: JSON.stringify({ tools: [{ name: "noop", description: "does nothing", input_schema: { type: "object" } }], ...body }),
      signal,
    });

  /** The agent's turn now, as the server counts them. */
  const currentTurn = async (workspaceId: string) =>
    (await sql<{ turn_id: string }[]>`SELECT turn_id FROM workspace_agents WHERE workspace_id = ${workspaceId} ORDER BY created_at DESC LIMIT 1`)[0].turn_id;
  /**
   * Sends the task a message and waits for that turn to end: a fresh turn, whose clock
   * (max_turn_seconds) the test's own calls with the agent's key then run on.
   */
  const freshTurn = async () => {
    const before = await currentTurn(task.workspace_id!);
    await client.send("me", task.id, "Start a new turn");
    const turn = await currentTurn(task.workspace_id!);
    expect(turn).not.toBe(before);
    await waitFor("the new turn", async () => {
      const [row] = await sql<{ calls: number }[]>`SELECT count(*)::int AS calls FROM model_calls WHERE turn_id = ${turn}`;
      return row.calls > 0 && (await client.task("me", task.id)).current_state?.state === "idle";
    }, 60_000, 100);
  };

  it("Claude Code calls the model through it: the provider sees only the real key, the workspace only its agent's own", async () => {
    const claude = (await client.templates()).find((t) => t.name === "claude")!;
    task = await client.createTask({ input: "Save what you were given", template_version_id: claude.active_version_id });
    await waitFor("the turn", async () => {
      const t = await client.task("me", task.id);
      return t.current_state?.state === "idle" && (await client.logs("me", task.id)).logs.some((l) => l.content.includes("Saved.")) ? t : undefined;
    }, 90_000, 200);
    // Claude Code works in the task's own repository (a task without one gets an empty one).
    const workspace = path.join(dataDir, "workspaces", task.workspace_id!, "repo");
    key = (await fs.readFile(path.join(workspace, "key.txt"), "utf8")).trim();
    expect(key).toMatch(/^tyk-[0-9a-f]{64}$/);
    expect((await fs.readFile(path.join(workspace, "url.txt"), "utf8")).trim()).toBe(`${baseUrl}${GATEWAY}`);
    // Every request the provider saw carried the real key (the gateway's, and the server's own for naming tasks), and only the provider saw it.
    expect(api.keys.length).toBeGreaterThan(1);
    for (const seen of api.keys) expect([REAL_KEY, `Bearer ${REAL_KEY}`]).toContain(seen);
    const [{ calls }] = await sql<{ calls: number }[]>`SELECT count(*)::int AS calls FROM model_calls WHERE task_id = ${task.id}`;
    expect(calls).toBeGreaterThanOrEqual(2);
    const [{ uid }] = await sql<{ uid: number }[]>`SELECT uid FROM workspaces WHERE id = ${task.workspace_id}`;
    const inWorkspace = [...processesOfUid(uid), ...processesOfUid(uid + 1)];
    expect(inWorkspace.length).toBeGreaterThan(0);
    for (const p of inWorkspace) {
      expect(p.argv.join(" ")).not.toContain(REAL_KEY);
      expect(Object.values(environOf(p.pid)).join("\n")).not.toContain(REAL_KEY);
    }
    for (const dir of ["workspaces", "agents", "logs"]) expect(filesContaining(path.join(dataDir, dir), REAL_KEY)).toEqual([]);
    // Metered as it streamed: the task's usage is exactly what the provider answered, priced by the table.
    await expectUsageToBeBilled();
  }, 120_000);

  it("passes each event through as it comes, not once the answer is whole", async () => {
    await freshTurn();
    const started = Date.now();
    const res = await call({ model: "claude-haiku-4-5", max_tokens: 100, stream: true, messages: [{ role: "user", content: "Answer slowly" }] });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    const reader = res.body!.getReader();
    const first = await reader.read();
    const firstAt = Date.now() - started;
    expect(new TextDecoder().decode(first.value)).toContain("event: message_start");
    let rest = "";
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) rest += new TextDecoder().decode(chunk.value);
    const lastAt = Date.now() - started;
    expect(rest).toContain("event: message_stop");
    // Seven events 400 ms apart: the first arrived long before the stand-in sent the last.
    expect(firstAt).toBeLessThan(lastAt - 1500);
    await expectUsageToBeBilled();
  });

  it("counts a call cut off midway: what message_start reported is recorded as it arrives", async () => {
    const before = (await client.task("me", task.id)).usage.input_tokens;
    const abort = new AbortController();
    const res = await call({ model: "claude-haiku-4-5", max_tokens: 100, stream: true, messages: [{ role: "user", content: "Stop halfway" }] }, key, abort.signal);
    const reader = res.body!.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toContain("message_start");
    abort.abort();
    await waitFor("the cut-off call's usage", async () => (await client.task("me", task.id)).usage.input_tokens === before + 5000);
    await expectUsageToBeBilled();
  });

  it("keeps calls to the template's models: another model is rewritten to the task's, and a task may pick only the template's", async () => {
    const res = await call({ model: "claude-3-opus-20240229", max_tokens: 10, stream: true, messages: [{ role: "user", content: "Which model?" }] });
    expect(res.status).toBe(200);
    await res.text();
    expect(api.requests.at(-1)?.model).toBe("claude-haiku-4-5");
    const claude = (await client.templates()).find((t) => t.name === "claude")!;
    const refused = await fetch(`${baseUrl}/api/v2/tasks/me`, {
      method: "POST",
      headers: { "Coder-Session-Token": client.token!, "content-type": "application/json" },
      body: JSON.stringify({ input: "Hi", template_version_id: claude.active_version_id, rich_parameter_values: [{ name: "model", value: "gpt-4o" }] }),
    });
    expect(refused.status).toBe(400);
    expect(JSON.stringify(await refused.json())).toContain("claude-haiku-4-5, claude-sonnet-4-5, claude-opus-4-5");
    await expectUsageToBeBilled();
  });

  it("a call's turn is the server's, whatever the workspace labels it: a label cannot restart the turn's clock", async () => {
    await freshTurn();
    const turn = await currentTurn(task.workspace_id!);
    const res = await fetch(`${baseUrl}${GATEWAY}/v1/messages`, {
      method: "POST",
      headers: { "x-api-key": key, "anthropic-version": "2023-06-01", "content-type": "application/json", "x-taskyard-turn": "a-fresh-turn", "anthropic-custom-headers": "x-taskyard-turn: another" },
      body: JSON.stringify({ model: "claude-haiku-4-5", max_tokens: 10, messages: [{ role: "user", content: "hi" }] }),
    });
    expect(res.status).toBe(200);
    await res.text();
    const [latest] = await sql<{ turn_id: string }[]>`SELECT turn_id FROM model_calls WHERE task_id = ${task.id} ORDER BY created_at DESC LIMIT 1`;
    expect(latest.turn_id).toBe(turn);
    await expectUsageToBeBilled();
  });

  it("a budget of a few cents stops a looping turn, and the task says which limit", async () => {
    const claude = (await client.templates()).find((t) => t.name === "claude")!;
    const refused = await fetch(`${baseUrl}/api/v2/tasks/me`, {
      method: "POST",
      headers: { "Coder-Session-Token": client.token!, "content-type": "application/json" },
      body: JSON.stringify({ input: "Loop forever", template_version_id: claude.active_version_id, rich_parameter_values: [{ name: "max_cost_usd", value: "lots" }] }),
    });
    expect(refused.status).toBe(400);
    const looping = await client.createTask({ input: "Loop forever", template_version_id: claude.active_version_id, rich_parameter_values: [{ name: "max_cost_usd", value: "0.05" }] });
    expect(looping.usage.limit).toEqual({ max_cost_usd: 0.05, max_tokens: null, max_turn_seconds: TURN_SECONDS });
    const stopped = await waitFor("the budget to stop the turn", async () => {
      const t = await client.task("me", looping.id);
      return t.usage.stopped_by && t.current_state?.state !== "working" ? t : undefined;
    }, 120_000, 250);
    expect(stopped.usage.stopped_by).toBe("max_cost_usd");
    // It stopped at the first call past the limit: at most one call's cost over it.
    expect(stopped.usage.cost_usd).toBeGreaterThanOrEqual(0.05);
    expect(stopped.usage.cost_usd).toBeLessThan(0.05 + 0.011);
    const said = JSON.stringify([stopped.current_state, (await client.logs("me", looping.id)).logs.at(-1)]);
    expect(said).toContain("Budget reached");
    const calls = api.billed.filter((b) => b.input_tokens === 10_000).length;
    console.log(`looping turn: stopped after ${calls} model calls at $${stopped.usage.cost_usd.toFixed(4)} (limit $0.05)`);
    await client.deleteTask("me", looping.id);
  }, 150_000);

  it("a turn that keeps calling the model past max_turn_seconds is stopped, counted from the turn's first call", async () => {
    const claude = (await client.templates()).find((t) => t.name === "claude")!;
    const looping = await client.createTask({ input: "Loop forever", template_version_id: claude.active_version_id });
    const stopped = await waitFor("the turn's time limit", async () => {
      const t = await client.task("me", looping.id);
      return t.usage.stopped_by && t.current_state?.state !== "working" ? t : undefined;
    }, 120_000, 250);
    expect(stopped.usage.stopped_by).toBe("max_turn_seconds");
    const [span] = await sql<{ turns: number; seconds: number }[]>`
      SELECT count(DISTINCT turn_id)::int AS turns, extract(epoch FROM max(created_at) - min(created_at))::float8 AS seconds
      FROM model_calls WHERE task_id = ${looping.id}`;
    expect(span.turns).toBe(1);
    expect(span.seconds).toBeLessThan(TURN_SECONDS + 1);
    expect(span.seconds).toBeGreaterThan(TURN_SECONDS - 5);
    // Only the server starts a turn (by delivering an input): the next message gets a fresh clock, and the loop runs again until it too is stopped.
    await client.send("me", looping.id, "Loop forever, again");
    await waitFor("the second turn's time limit", async () => {
      const [row] = await sql<{ turns: number }[]>`SELECT count(DISTINCT turn_id)::int AS turns FROM model_calls WHERE task_id = ${looping.id}`;
      const t = await client.task("me", looping.id);
      return row.turns === 2 && t.usage.stopped_by === "max_turn_seconds" && t.current_state?.state !== "working";
    }, 120_000, 250);
    await client.deleteTask("me", looping.id);
  }, 240_000);

  /** A claude task whose turn hangs mid-stream in its second call; answers it and the provider's bill for it so far. */
  const hangingTask = async (input: string) => {
    const claude = (await client.templates()).find((t) => t.name === "claude")!;
    const from = api.billed.length;
    const hanging = await client.createTask({ input, template_version_id: claude.active_version_id });
    await waitFor("the hanging call's message_start", async () => api.billed.slice(from).some((b) => b.input_tokens === 6000), 90_000, 100);
    return { hanging, billed: () => api.billed.slice(from).reduce((sum, b) => ({ input: sum.input + b.input_tokens, output: sum.output + b.output_tokens, cost: sum.cost + costOf(b.model, b) }), { input: 0, output: 0, cost: 0 }) };
  };
  const expectTaskBilled = async (id: string, billed: { input: number; output: number; cost: number }) => {
    const usage = await waitFor("the task's usage", async () => {
      const u = (await client.task("me", id)).usage;
      return u.input_tokens === billed.input && u.output_tokens === billed.output ? u : undefined;
    });
    expect(usage.input_tokens).toBe(10_000); // the finished call and the one cut short
    expect(usage.cost_usd).toBeCloseTo(billed.cost, 6);
  };

  it("a turn paused mid-stream counts what it used", async () => {
    const { hanging, billed } = await hangingTask("Work then hang, then be paused");
    // Mid-turn a pause must be forced: the turn is interrupted first, then the workspace stops.
    await client.pause("me", hanging.id, { force: true });
    await waitForStatus(client, hanging.id, "paused", 30_000);
    await expectTaskBilled(hanging.id, billed());
    await client.deleteTask("me", hanging.id);
  }, 150_000);

  it("a crashed agent (kill -9 mid-stream) counts what its turn used", async () => {
    const { hanging, billed } = await hangingTask("Work then hang, then be killed");
    const [{ pid }] = await sql<{ pid: number }[]>`SELECT pid FROM workspace_agents WHERE workspace_id = ${hanging.workspace_id!} ORDER BY created_at DESC LIMIT 1`;
    process.kill(pid, "SIGKILL");
    await waitFor("the task to show the crash", async () => (await client.task("me", hanging.id)).status === "error", 30_000);
    await expectTaskBilled(hanging.id, billed());
    await client.deleteTask("me", hanging.id);
  }, 150_000);

  it("refuses other keys, other routes, and the key of a paused task (401 in the Messages API's error shape)", async () => {
    const wrong = await call({ model: "claude-haiku-4-5", max_tokens: 10, messages: [{ role: "user", content: "hi" }] }, `tyk-${"0".repeat(64)}`);
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toEqual({ type: "error", error: { type: "authentication_error", message: "Invalid model gateway key." } });
    const real = await call({ model: "claude-haiku-4-5", max_tokens: 10, messages: [{ role: "user", content: "hi" }] }, REAL_KEY);
    expect(real.status).toBe(401);
    const batches = await fetch(`${baseUrl}${GATEWAY}/v1/messages/batches`, { method: "POST", headers: { "x-api-key": key, "content-type": "application/json" }, body: "{}" });
    expect(batches.status).toBe(404);
    const seen = api.keys.length;

    await client.pause("me", task.id);
    await waitForStatus(client, task.id, "paused", 30_000);
    const paused = await call({ model: "claude-haiku-4-5", max_tokens: 10, messages: [{ role: "user", content: "hi" }] });
    expect(paused.status).toBe(401);
    expect((await paused.json()).error.type).toBe("authentication_error");
    expect(api.keys.length).toBe(seen);

    // Resumed, the task has a new agent with a key of its own: the old key stays refused, and so it does once the task is deleted.
    await client.resume("me", task.id);
    await waitForStatus(client, task.id, "active", 60_000);
    const replaced = await call({ model: "claude-haiku-4-5", max_tokens: 10, messages: [{ role: "user", content: "hi" }] });
    expect(replaced.status).toBe(401);
    await client.deleteTask("me", task.id);
    const deleted = await call({ model: "claude-haiku-4-5", max_tokens: 10, messages: [{ role: "user", content: "hi" }] });
    expect(deleted.status).toBe(401);
    expect(api.keys.length).toBe(seen);
  }, 120_000);
});
