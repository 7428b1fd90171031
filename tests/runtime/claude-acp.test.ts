import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { INTERRUPTED_NOTE } from "../../lib/agent/brains/local";
import { DEFAULT_ANTHROPIC_MODEL } from "../../lib/env";
import { TaskyardClient, type Task } from "../../lib/sdk/client";
import { isToolResult, lastUserText, startFakeAnthropic, textOf, type MessagesRequest, type ScriptedAnswer } from "../support/fake-anthropic";
import { waitFor, waitForStatus } from "../support/runtime";
import { startServer, tempDataDir } from "../support/stack";

const WRITE = "echo hello from claude-acp | tee hello.txt";

/**
 * The model, scripted: Claude Code runs for real, through its ACP adapter
 * (@zed-industries/claude-code-acp) and the acp brain, against this stand-in for the Messages API.
 */
function model(request: MessagesRequest): ScriptedAnswer {
  const prompt = lastUserText(request);
  if (textOf(request).includes("Loop forever") && !textOf(request).includes("What did you do?")) {
    // A turn that never ends by itself: every answer another tool call.
    return { content: [{ type: "text", text: "Again." }, { type: "tool_use", name: "Bash", input: { command: "echo again", description: "Loop" } }], delayMs: 20 };
  }
  if (isToolResult(request)) return { content: [{ type: "text", text: "Created `hello.txt`." }] };
  if (prompt.includes("Create hello.txt")) {
    return { content: [{ type: "text", text: "I'll create the file with Bash." }, { type: "tool_use", name: "Bash", input: { command: WRITE, description: "Write hello.txt" } }] };
  }
  // Follow-ups: say whether this request still carries the first turn's tool call.
  return { content: [{ type: "text", text: textOf(request).includes(WRITE) ? "I remember: I wrote hello.txt with Bash." : "I have no memory of earlier turns." }] };
}

const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => {});
});

describe("the claude-acp template: Claude Code through its ACP adapter", () => {
  let client: TaskyardClient;
  let dataDir: string;
  let version: string;
  let api: Awaited<ReturnType<typeof startFakeAnthropic>>;

  beforeAll(async () => {
    api = await startFakeAnthropic(model);
    cleanups.push(() => api.close());
    dataDir = await tempDataDir();
    // A `gemini` on PATH, but no key for it: the gemini template says which key it needs.
    const bin = await fs.mkdtemp(path.join(os.tmpdir(), "taskyard-fake-gemini-"));
    await fs.writeFile(path.join(bin, "gemini"), "#!/bin/sh\nexit 1\n", { mode: 0o755 });
    cleanups.push(() => fs.rm(bin, { recursive: true, force: true }));
    // And no node_modules/.bin on it (npx puts it there): the adapter must be found where Taskyard ships it.
    const searchPath = [bin, ...(process.env.PATH ?? "").split(":").filter((dir) => dir && !dir.includes("node_modules"))].join(":");
    const server = await startServer({
      dataDir,
      env: { ANTHROPIC_API_KEY: "sk-ant-test", ANTHROPIC_BASE_URL: api.url, ANTHROPIC_MODEL: "", GEMINI_API_KEY: "", GOOGLE_API_KEY: "", PATH: searchPath },
    });
    cleanups.push(() => fs.rm(dataDir, { recursive: true, force: true }), () => server.proc.stop());
    const { session_token } = await new TaskyardClient({ baseUrl: server.baseUrl }).login("admin@example.com", "admin-password");
    client = new TaskyardClient({ baseUrl: server.baseUrl, token: session_token });
    const templates = await client.templates();
    const claudeAcp = templates.find((t) => t.name === "claude-acp")!;
    expect(claudeAcp).toMatchObject({ available: true, unavailable_reason: "" });
    expect(templates.find((t) => t.name === "gemini")).toMatchObject({ available: false, unavailable_reason: "`gemini` needs GEMINI_API_KEY or GOOGLE_API_KEY set on the Taskyard server." });
    version = claudeAcp.active_version_id;
  });

  const outputs = async (task: Task) => (await client.logs("me", task.id)).logs.filter((l) => l.type === "output");
  const idleAfter = (task: Task, replies: number) =>
    waitFor(`reply ${replies}`, async () => {
      const t = await client.task("me", task.id);
      return t.current_state?.state !== "working" && (await outputs(task)).length >= replies ? t : undefined;
    }, 90_000, 100);

  it("runs a tool call with output, stops a looping turn with session/cancel, and keeps its session across pause and resume", async () => {
    const started = Date.now();
    const task = await client.createTask({ input: "Create hello.txt saying hello", template_version_id: version });
    await waitForStatus(client, task.id, "active", 90_000);
    const first = await idleAfter(task, 1);
    console.log(`first claude-acp task: answered after ${Date.now() - started} ms`);

    // The tool ran in the workspace (its permission request answered by the default policy, allow).
    expect(await fs.readFile(path.join(dataDir, "workspaces", task.workspace_id!, "repo", "hello.txt"), "utf8")).toBe("hello from claude-acp\n");
    const [reply] = await outputs(task);
    expect(reply.content.split("\n\n")).toEqual(["I'll create the file with Bash.", `Execute: \`${WRITE}\``, "Created `hello.txt`."]);
    expect(first.current_state).toMatchObject({ state: "idle", message: "Created `hello.txt`." });
    const { tool_calls: calls } = await waitFor("the tool calls", async () => {
      const r = await client.toolCalls("me", task.id, reply.id);
      return r.tool_calls.length ? r : undefined;
    });
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ is_error: false });
    expect(calls[0].input).toContain(WRITE);
    expect(calls[0].output).toContain("hello from claude-acp");
    // The model calls went through the server's model gateway, which metered them.
    expect(first.usage.input_tokens).toBeGreaterThan(0);

    // Interrupt: a looping turn stops through session/cancel, its transcript so far kept and marked.
    await client.send("me", task.id, "Loop forever");
    await waitFor("two rounds of the loop", async () => ((await outputs(task)).at(-1)?.content.match(/Execute: `echo again`/g)?.length ?? 0) >= 2, 90_000, 50);
    const before = performance.now();
    await client.interrupt("me", task.id);
    const interrupted = await waitFor("idle and Interrupted", async () => {
      const t = await client.task("me", task.id);
      return t.current_state?.state === "idle" && t.current_state.message === "Interrupted" ? t : undefined;
    }, 15_000, 20);
    console.log(`interrupt latency (claude-acp, session/cancel): ${(performance.now() - before).toFixed(0)} ms`);
    expect(interrupted.status).toBe("active");
    const looped = (await outputs(task)).at(-1)!.content;
    expect(looped.split("\n\n").slice(0, 2)).toEqual(["Again.", "Execute: `echo again`"]);
    expect(looped.endsWith(`\n\n${INTERRUPTED_NOTE}`)).toBe(true);
    // Stopped, it stays stopped: no more model calls once the turn has ended.
    await new Promise((r) => setTimeout(r, 1500));
    const settled = api.requests.length;
    await new Promise((r) => setTimeout(r, 1500));
    expect(api.requests.length).toBe(settled);

    // Pause and resume: the agent loads its ACP session (session/load), so Claude Code goes on with it.
    await client.pause("me", task.id);
    await waitForStatus(client, task.id, "paused", 30_000);
    await client.resume("me", task.id);
    await waitForStatus(client, task.id, "active", 90_000);
    await idleAfter(task, 2);
    const requestsBefore = api.requests.length;
    await client.send("me", task.id, "What did you do?");
    await idleAfter(task, 3);
    expect((await outputs(task))[2].content).toBe("I remember: I wrote hello.txt with Bash.");
    const resumed = api.requests.slice(requestsBefore).at(-1)!;
    expect(textOf(resumed)).toContain("Create hello.txt saying hello");
    expect(textOf(resumed)).toContain("Loop forever");
    // No ANTHROPIC_MODEL on this server: Claude Code runs the one default of lib/env.ts, as with the claude template.
    console.log(`models the stand-in saw: ${[...new Set(api.requests.map((r) => r.model))].join(", ")}`);
    expect(new Set(api.requests.map((r) => r.model))).toEqual(new Set([DEFAULT_ANTHROPIC_MODEL]));
  }, 300_000);
});
