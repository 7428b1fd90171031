import fs from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TaskyardClient, type Task } from "../../lib/sdk/client";
import { DEFAULT_ANTHROPIC_MODEL } from "../../lib/env";
import { isToolResult, lastUserText, latestPrompt, startFakeAnthropic, textOf, type MessagesRequest, type ScriptedAnswer } from "../support/fake-anthropic";
import { waitFor, waitForStatus } from "../support/runtime";
import { startServer, tempDataDir } from "../support/stack";

/**
 * The model, scripted: Claude Code itself runs for real (in the sandbox where bubblewrap is
 * installed) against this stand-in for the Messages API.
 */
function model(request: MessagesRequest): ScriptedAnswer {
  const prompt = lastUserText(request);
  if (isToolResult(request)) return { content: [{ type: "text", text: "Created `hello.txt`.\n\nIt says hello." }] };
  if (prompt.includes("Create hello.txt")) {
    return {
      content: [
        { type: "text", text: "I'll create the file with Bash." },
        { type: "tool_use", name: "Bash", input: { command: "echo hello from claude > hello.txt", description: "Write hello.txt" } },
      ],
      usage: { input_tokens: 1000, output_tokens: 50, cache_read_input_tokens: 200, cache_creation_input_tokens: 300 },
    };
  }
  if (latestPrompt(request).includes("explode")) return { status: 500, type: "api_error", message: "the stand-in model exploded" };
  if (latestPrompt(request).includes("overload")) return { status: 529, type: "overloaded_error", message: "the stand-in model is overloaded" };
  // Follow-ups: say whether this request still carries the first turn's tool call.
  const remembers = textOf(request).includes("echo hello from claude > hello.txt");
  return { content: [{ type: "text", text: remembers ? "I remember: I wrote hello.txt with Bash." : "I have no memory of earlier turns." }] };
}

const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => {});
});

describe("the claude template runs Claude Code", () => {
  let client: TaskyardClient;
  let dataDir: string;
  let version: string;
  let api: Awaited<ReturnType<typeof startFakeAnthropic>>;

  beforeAll(async () => {
    api = await startFakeAnthropic(model);
    cleanups.push(() => api.close());
    dataDir = await tempDataDir();
    const server = await startServer({ dataDir, env: { ANTHROPIC_API_KEY: "sk-ant-test", ANTHROPIC_BASE_URL: api.url, ANTHROPIC_MODEL: "" } });
    cleanups.push(() => fs.rm(dataDir, { recursive: true, force: true }), () => server.proc.stop());
    const { session_token } = await new TaskyardClient({ baseUrl: server.baseUrl }).login("admin@example.com", "admin-password");
    client = new TaskyardClient({ baseUrl: server.baseUrl, token: session_token });
    const claude = (await client.templates()).find((t) => t.name === "claude")!;
    expect(claude).toMatchObject({ available: true, unavailable_reason: "" });
    version = claude.active_version_id;
  });

  const outputs = async (task: Task) => (await client.logs("me", task.id)).logs.filter((l) => l.type === "output").map((l) => l.content);
  const idleAfter = (task: Task, replies: number) =>
    waitFor(`reply ${replies}`, async () => {
      const t = await client.task("me", task.id);
      return t.current_state?.state !== "working" && (await outputs(task)).length >= replies ? t : undefined;
    }, 60_000, 100);

  it("runs a tool round in the workspace, shows a transcript, reports usage and cost, takes follow-ups and keeps its session across pause and resume", async () => {
    const started = Date.now();
    const task = await client.createTask({ input: "Create hello.txt saying hello", template_version_id: version });
    await waitForStatus(client, task.id, "active", 30_000);
    const activeMs = Date.now() - started;
    const first = await idleAfter(task, 1);
    console.log(`first claude task: active after ${activeMs} ms, answered after ${Date.now() - started} ms`);

    // A task without a repository works in one of its own.
    expect(await fs.readFile(path.join(dataDir, "workspaces", task.workspace_id!, "repo", "hello.txt"), "utf8")).toBe("hello from claude\n");
    const [transcript] = await outputs(task);
    expect(transcript.split("\n\n")).toEqual(["I'll create the file with Bash.", "Bash: echo hello from claude > hello.txt", "Created `hello.txt`.", "It says hello."]);
    // The status is the first line of the final answer, not of the turn's first words.
    expect(first.current_state).toMatchObject({ state: "idle", message: "Created `hello.txt`." });
    expect(first.usage.input_tokens).toBeGreaterThanOrEqual(1100);
    expect(first.usage.output_tokens).toBeGreaterThanOrEqual(70);
    expect(first.usage.cache_read_input_tokens).toBeGreaterThanOrEqual(200);
    expect(first.usage.cache_creation_input_tokens).toBeGreaterThanOrEqual(300);
    expect(first.usage.cost_usd).toBeGreaterThan(0);
    const listed = (await client.tasks()).tasks.find((t) => t.id === task.id)!;
    expect(listed.usage).toEqual(first.usage);

    await client.send("me", task.id, "What did you do?");
    const second = await idleAfter(task, 2);
    expect((await outputs(task))[1]).toBe("I remember: I wrote hello.txt with Bash.");
    expect(second.usage.cost_usd).toBeGreaterThan(first.usage.cost_usd);

    await client.pause("me", task.id);
    await waitForStatus(client, task.id, "paused", 20_000);
    await client.resume("me", task.id);
    await waitForStatus(client, task.id, "active", 30_000);
    const requestsBefore = api.requests.length;
    await client.send("me", task.id, "Still there after the pause?");
    await idleAfter(task, 3);
    // The same Claude Code session went on: the request after the resume carries the earlier turns.
    const resumed = api.requests.slice(requestsBefore).at(-1)!;
    expect(textOf(resumed)).toContain("Create hello.txt saying hello");
    expect(textOf(resumed)).toContain("What did you do?");
    expect((await outputs(task))[2]).toBe("I remember: I wrote hello.txt with Bash.");
    // No ANTHROPIC_MODEL on this server: Claude Code runs the one default of lib/env.ts (as task naming does).
    expect(new Set(api.requests.map((r) => r.model))).toEqual(new Set([DEFAULT_ANTHROPIC_MODEL]));
  });

  it.each([
    ["Please explode", 500, /exploded/],
    ["Please overload", 529, /overloaded/i],
  ])("reports a model error (%s → HTTP %i) as a failed state with the reason, and the task goes on afterwards", async (input, _status, reason) => {
    const task = await client.createTask({ input: "Hello", template_version_id: version });
    await idleAfter(task, 1);
    await client.send("me", task.id, input);
    const failed = await waitFor("the failure", async () => {
      const t = await client.task("me", task.id);
      return t.current_state?.state === "failed" ? t : undefined;
    }, 90_000, 200);
    console.log(`HTTP ${_status} → current_state.message: ${failed.current_state?.message}`);
    expect(failed.status).toBe("active");
    expect(failed.current_state?.message).toMatch(reason);
    expect((await outputs(task)).at(-1)).toMatch(/^Error: /m);

    await client.send("me", task.id, "Are you still there?");
    const recovered = await idleAfter(task, 3);
    expect(recovered.current_state?.state).toBe("idle");
  });
});
