import fs from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TaskyardClient, type Task } from "../../lib/sdk/client";
import { isToolResult, latestPrompt, startFakeAnthropic, type MessagesRequest, type ScriptedAnswer } from "../support/fake-anthropic";
import { waitFor, waitForStatus } from "../support/runtime";
import { startServer, tempDataDir } from "../support/stack";

/** Claude Code's model, scripted: one tool round (a slow command with a long output), then a two-line answer. */
function model(request: MessagesRequest): ScriptedAnswer {
  if (isToolResult(request)) return { content: [{ type: "text", text: "All done: the file is written.\n\nIt holds 400 lines." }] };
  if (latestPrompt(request).includes("Write the x's")) {
    return {
      content: [
        { type: "text", text: "Let me write them with Bash." },
        { type: "tool_use", name: "Bash", input: { command: "sleep 3; seq 1 400 | tee xs.txt", description: "Write the x's" } },
      ],
    };
  }
  return { content: [{ type: "text", text: "Hello." }] };
}

const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => {});
});

describe("the status line, the tool calls and the repository of a task without one", () => {
  let dataDir: string;
  let api: Awaited<ReturnType<typeof startFakeAnthropic>>;
  let server: Awaited<ReturnType<typeof startServer>>;
  let client: TaskyardClient;
  let echo: string;
  let claude: string;

  const serve = async () => {
    server = await startServer({ dataDir, env: { ANTHROPIC_API_KEY: "sk-ant-test", ANTHROPIC_BASE_URL: api.url, ANTHROPIC_MODEL: "" } });
    cleanups.push(() => server.proc.stop());
    const anon = new TaskyardClient({ baseUrl: server.baseUrl });
    const { session_token } = await waitFor("login", () => anon.login("admin@example.com", "admin-password"), 10_000);
    client = new TaskyardClient({ baseUrl: server.baseUrl, token: session_token });
  };

  beforeAll(async () => {
    api = await startFakeAnthropic(model);
    cleanups.push(() => api.close());
    dataDir = await tempDataDir();
    cleanups.push(() => fs.rm(dataDir, { recursive: true, force: true }));
    await serve();
    const templates = await client.templates();
    echo = templates.find((t) => t.name === "echo")!.active_version_id;
    claude = templates.find((t) => t.name === "claude")!.active_version_id;
  });

  const state = async (task: Task) => (await client.task("me", task.id)).current_state;
  /** Polls the task's state until `accept` takes it; answers every message seen on the way. */
  const watchState = async (task: Task, accept: (s: Task["current_state"]) => boolean, timeoutMs = 60_000) => {
    const seen: string[] = [];
    const found = await waitFor("the state", async () => {
      const s = await state(task);
      if (s && seen.at(-1) !== `${s.state}: ${s.message}`) seen.push(`${s.state}: ${s.message}`);
      return s && accept(s) ? s : undefined;
    }, timeoutMs, 50).catch((e) => {
      throw new Error(`${e.message}; seen: ${JSON.stringify(seen)}`);
    });
    return { found, seen };
  };

  let echoTask: Task;
  let echoStatus: string;
  let claudeTask: Task;
  let claudeStatus: string;

  it("echo: during a turn the status is its current step (the tool call), after it the first line of its final answer; the call's input and output are kept", async () => {
    echoTask = await client.createTask({ input: "Hello", template_version_id: echo });
    await waitForStatus(client, echoTask.id, "active", 30_000);
    await watchState(echoTask, (s) => s?.state === "idle");
    await client.send("me", echoTask.id, "/tool sleep 2; echo tool-said-this");
    const during = await watchState(echoTask, (s) => s?.state === "working" && s.message === "Bash: sleep 2; echo tool-said-this");
    const after = await watchState(echoTask, (s) => s?.state === "idle");
    echoStatus = after.found!.message;
    expect(echoStatus).toBe("Ran it. You said: /tool sleep 2; echo tool-said-this");
    expect(during.found?.message).toBe("Bash: sleep 2; echo tool-said-this");

    // The log entry and /logs are as ever (text, a tool line); the call behind the line has its input and output.
    const { logs } = await client.logs("me", echoTask.id);
    const reply = logs.at(-1)!;
    expect(Object.keys(reply).sort()).toEqual(["content", "id", "time", "type"]);
    expect(reply.content).toBe(`Running a command.\n\nBash: sleep 2; echo tool-said-this\n\n${echoStatus}`);
    const { tool_calls } = await client.toolCalls("me", echoTask.id, reply.id);
    expect(tool_calls).toEqual([
      expect.objectContaining({ name: "Bash", output: "tool-said-this\n", output_bytes: 15, output_truncated: false, input_truncated: false, is_error: false }),
    ]);
    expect(JSON.parse(tool_calls[0].input)).toEqual({ command: "sleep 2; echo tool-said-this" });
    // The user's own message has none; a message that is not there is none either.
    expect((await client.toolCalls("me", echoTask.id, reply.id - 1)).tool_calls).toEqual([]);
    await expect(client.toolCalls("me", echoTask.id, 999)).resolves.toEqual({ tool_calls: [] });
    await expect(client.toolCalls("me", echoTask.id, -1 as number)).rejects.toMatchObject({ status: 400 });
  });

  it("echo: a tool call's output is kept up to 16 KiB, its whole size counted; a failing one is marked", async () => {
    await client.send("me", echoTask.id, "/tool head -c 40000 /dev/zero | tr '\\0' y; exit 3");
    await watchState(echoTask, (s) => s?.state === "idle" && s.message.startsWith("Ran it (exit 3)"));
    const { logs } = await client.logs("me", echoTask.id);
    const [call] = (await client.toolCalls("me", echoTask.id, logs.at(-1)!.id)).tool_calls;
    expect(call).toMatchObject({ output_bytes: 40_000, output_truncated: true, is_error: true });
    expect(call.output).toBe("y".repeat(16 * 1024));
    echoStatus = (await state(echoTask))!.message;
  });

  it("a task without a repository works in a git repository of its own: a file the agent wrote is in its Changes", async () => {
    const task = await client.task("me", echoTask.id);
    expect(task.repository).toMatchObject({ url: "", branch: `taskyard/${task.name}` });
    expect(task.repository!.base_commit).toMatch(/^[0-9a-f]{40}$/);
    await client.send("me", echoTask.id, "/write notes/hello.txt hello from the agent");
    await watchState(echoTask, (s) => s?.state === "idle" && s.message.startsWith("Wrote notes/hello.txt"));
    const changes = await client.changes("me", echoTask.id);
    expect(changes.files).toEqual([expect.objectContaining({ path: "notes/hello.txt", status: "added", additions: 1, deletions: 0 })]);
    expect(changes.diff).toContain("+hello from the agent");
    expect(changes.base_commit).toBe(task.repository!.base_commit);
    expect(await fs.readFile(path.join(dataDir, "workspaces", task.workspace_id!, "repo", "notes", "hello.txt"), "utf8")).toBe("hello from the agent\n");
    // Nowhere to push it: said, not tried.
    await expect(client.push("me", echoTask.id)).rejects.toMatchObject({ status: 409, body: { message: "This task's repository has no remote." } });
    echoStatus = (await state(echoTask))!.message;
  });

  it("claude: the status is the current step during the turn and the first line of the final answer after it; the tool call's input and output are kept as the model saw them", async () => {
    claudeTask = await client.createTask({ input: "Write the x's into xs.txt", template_version_id: claude });
    await waitForStatus(client, claudeTask.id, "active", 30_000);
    const step = "Bash: sleep 3; seq 1 400 | tee xs.txt";
    const during = await watchState(claudeTask, (s) => s?.state === "working" && s.message === step, 90_000);
    expect(during.found?.message).toBe(step);
    const after = await watchState(claudeTask, (s) => s?.state === "idle", 90_000);
    claudeStatus = after.found!.message;
    expect(claudeStatus).toBe("All done: the file is written.");

    const { logs } = await client.logs("me", claudeTask.id);
    const reply = logs.find((l) => l.type === "output")!;
    expect(reply.content.split("\n\n")).toEqual(["Let me write them with Bash.", step, "All done: the file is written.", "It holds 400 lines."]);
    const { tool_calls } = await client.toolCalls("me", claudeTask.id, reply.id);
    expect(tool_calls).toHaveLength(1);
    expect(tool_calls[0]).toMatchObject({ name: "Bash", is_error: false, output_truncated: false });
    expect(JSON.parse(tool_calls[0].input)).toMatchObject({ command: "sleep 3; seq 1 400 | tee xs.txt" });
    // The output is what Claude Code handed the model as the tool's result (capping: the echo tests above).
    const result = api.requests
      .flatMap((r) => r.messages)
      .flatMap((m) => (Array.isArray(m.content) ? m.content : []))
      .find((b) => b.type === "tool_result")!;
    const sent = typeof result.content === "string" ? result.content : (result.content as { text?: string }[]).map((b) => b.text ?? "").join("\n");
    const output = tool_calls[0].output!;
    expect(output.trim()).toBe(Array.from({ length: 400 }, (_, i) => i + 1).join("\n"));
    // (Claude Code may add a reminder of its own after it, for the model.)
    expect(sent.startsWith(output)).toBe(true);
    expect(tool_calls[0].output_bytes).toBe(Buffer.byteLength(output));
    // Claude Code works in the task's own repository: what it wrote is in the Changes.
    const changes = await client.changes("me", claudeTask.id);
    expect(changes.files.map((f) => f.path)).toEqual(["xs.txt"]);
  });

  it("a pause and a resume keep the last real status; while paused, the tool calls still open", async () => {
    const { logs } = await client.logs("me", echoTask.id);
    const withTool = logs.findLast((l) => l.type === "output" && l.content.includes("\n\nBash: "))!; // the latest reply with a tool call
    const live = await client.toolCalls("me", echoTask.id, withTool.id);
    await client.pause("me", echoTask.id);
    await waitForStatus(client, echoTask.id, "paused", 30_000);
    // What the agent kept after each turn, beside the snapshot: the same as the running agent said.
    expect(live.tool_calls.length).toBeGreaterThan(0);
    expect(await client.toolCalls("me", echoTask.id, withTool.id)).toEqual(live);
    await client.resume("me", echoTask.id);
    await waitForStatus(client, echoTask.id, "active", 30_000);
    const { found, seen } = await watchState(echoTask, (s) => s?.state === "idle", 30_000);
    expect(found?.message, JSON.stringify(seen)).toBe(echoStatus);
    expect(seen.join("\n")).not.toContain("Resumed");
  });

  it("a server restart keeps every task's last real status", async () => {
    await server.proc.stop();
    await serve();
    for (const [task, message] of [
      [echoTask, echoStatus],
      [claudeTask, claudeStatus],
    ] as const) {
      await waitForStatus(client, task.id, "active", 60_000);
      const { found, seen } = await watchState(task, (s) => s?.state === "idle", 30_000);
      expect(found?.message, JSON.stringify(seen)).toBe(message);
      expect(seen.join("\n")).not.toContain("Resumed");
    }
    // The tool calls are still there after the restart.
    const { logs } = await client.logs("me", claudeTask.id);
    const [call] = (await client.toolCalls("me", claudeTask.id, logs.find((l) => l.type === "output")!.id)).tool_calls;
    expect(call).toMatchObject({ name: "Bash", output: expect.stringContaining("399\n400") });
  });
});
