import { randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { inject } from "vitest";
import { beforeAll, describe, expect, it } from "vitest";
import type { Task } from "../../lib/sdk/client";
import { createTestUser, raw, type TestUser } from "../support/api";
import { db, waitFor, waitForState, waitForStatus } from "../support/runtime";

/**
 * The acp brain against a tiny ACP agent written with the SDK's agent side
 * (tests/support/acp-test-agent.mjs), run by real tasks on the shared server, in the sandbox.
 * The agent's file is outside what a sandbox sees, so it goes to `node -e` as text, its SDK import
 * pointed at the SDK's file in node_modules (which the sandbox binds read-only).
 */
async function testAgentCommand(...args: string[]): Promise<string[]> {
  const sdk = pathToFileURL(createRequire(import.meta.url).resolve("@agentclientprotocol/sdk")).href;
  const source = (await fs.readFile(path.join(import.meta.dirname, "../support/acp-test-agent.mjs"), "utf8")).replace('"@agentclientprotocol/sdk"', JSON.stringify(sdk));
  return [process.execPath, "--input-type=module", "-e", source, ...args];
}

/** A template of its own (templates are rows) running the test agent with this policy; answers its version. */
async function acpTemplate(config: { permission_policy?: "allow" | "deny"; args?: string[]; command?: string[] } = {}): Promise<string> {
  const name = `acp-test-${randomBytes(3).toString("hex")}`;
  const [template] = await db()`
    INSERT INTO templates (organization_id, name, display_name) SELECT organization_id, ${name}, ${name} FROM templates WHERE name = 'echo' RETURNING id`;
  const settings = { brain: "acp", command: config.command ?? (await testAgentCommand(...(config.args ?? []))), ...(config.permission_policy ? { permission_policy: config.permission_policy } : {}) };
  const [version] = await db()`INSERT INTO template_versions (template_id, name, config) VALUES (${template.id}, 'v1', ${db().json(settings)}) RETURNING id`;
  await db()`UPDATE templates SET active_version_id = ${version.id} WHERE id = ${template.id}`;
  return version.id as string;
}

let user: TestUser;
let allow: string;
beforeAll(async () => {
  user = await createTestUser();
  allow = await acpTemplate();
});

const outputs = async (task: Task) => (await user.client.logs("me", task.id)).logs.filter((l) => l.type === "output");

/** The agent's own status (AgentAPI's): "running" from the moment it takes an input until its turn has ended. */
const agentStatus = async (task: Task) => (await raw("GET", `/api/v2/tasks/me/${task.id}/agentapi/status`, { token: user.token })).body.status as string;

/** Waits until the agent has ended the turn that makes its `n`-th reply; answers that reply's log entry. */
async function replyNumber(task: Task, n: number) {
  return waitFor(`reply ${n}`, async () => {
    const out = await outputs(task);
    return out.length >= n && (await agentStatus(task)) === "stable" ? (await outputs(task))[n - 1] : undefined;
  }, 30_000, 100);
}

async function turn(task: Task, input: string, n: number) {
  await user.client.send("me", task.id, input);
  return { reply: await replyNumber(task, n) };
}

/** The task's status line, once it says `message` (the agent reports it just after its turn). */
const statusSays = (task: Task, message: string) =>
  waitFor(`the status to say ${message}`, async () => {
    const t = await user.client.task("me", task.id);
    return t.current_state?.message === message ? t : undefined;
  });

async function started(input: string, version = allow): Promise<Task> {
  const task = await user.client.createTask({ input, template_version_id: version });
  await waitForStatus(user.client, task.id, "active", 30_000);
  await replyNumber(task, 1);
  return task;
}

describe("the acp brain with an ACP agent of the test's", () => {
  it("shows the agent's message chunks as its reply, from an agent running inside the task's sandbox", async () => {
    const task = await started("/where");
    const [reply] = await outputs(task);
    const sandbox = (await raw("GET", "/api/v2/buildinfo")).body.sandbox as string;
    // The agent works where the brain started it: the task's repository, as the sandbox shows it.
    expect(reply.content).toMatch(sandbox === "bubblewrap" ? /^cwd \/workspace\/repo uid \d+$/ : /^cwd \S+\/repo uid \d+$/);
    const { reply: said } = await turn(task, "hello there", 2);
    expect(said.content).toBe("You said: hello there");
    expect((await statusSays(task, "You said: hello there")).current_state?.state).toBe("idle");
  });

  it("maps a tool call with its status and output to a tool line and a structured call; a failing one is an error", async () => {
    const task = await started("/tool echo out-$((6*7)) && echo err >&2");
    const [reply] = await outputs(task);
    expect(reply.content).toBe("Running it.\n\nExecute: echo out-$((6*7)) && echo err >&2\n\nIt worked.");
    const { tool_calls: calls } = await waitFor("the tool calls", async () => {
      const r = await user.client.toolCalls("me", task.id, reply.id);
      return r.tool_calls.length ? r : undefined;
    });
    expect(calls).toEqual([
      expect.objectContaining({ name: "Execute", input: JSON.stringify({ command: "echo out-$((6*7)) && echo err >&2" }, null, 2), output: "out-42\n", is_error: false }),
    ]);
    // The status line is the final answer, not the turn's first words.
    expect((await statusSays(task, "It worked.")).current_state?.state).toBe("idle");

    const { reply: failed } = await turn(task, "/tool echo nope && exit 3", 2);
    expect(failed.content).toContain("Execute: echo nope && exit 3\n\nIt failed.");
    const failedCalls = await waitFor("the failed call", async () => (await user.client.toolCalls("me", task.id, failed.id)).tool_calls[0]);
    expect(failedCalls).toMatchObject({ output: "nope\n", is_error: true });
  });

  it("shows the agent's plan in its reply, rewritten in place as the plan advances", async () => {
    const task = await started("/plan");
    const [reply] = await outputs(task);
    expect(reply.content).toBe("Plan:\n✓ Look around\n✓ Write it down\n\nLooking around.\n\nAll done.");
  });

  it("answers permission requests by the template's policy: allow once by default, reject under deny", async () => {
    const allowed = await started("/permission");
    expect((await outputs(allowed))[0].content).toBe("Edit: Write allowed.txt\n\nPermission answer: yes-once.");
    expect(await fs.readFile(path.join(inject("dataDir"), "workspaces", allowed.workspace_id!, "repo", "allowed.txt"), "utf8")).toBe("written with permission\n");

    const denied = await started("/permission", await acpTemplate({ permission_policy: "deny" }));
    expect((await outputs(denied))[0].content).toBe('Edit: Write allowed.txt\n\nPermission refused (the template\'s permission policy is "deny"): Write allowed.txt\n\nPermission answer: no-once.');
    await expect(fs.stat(path.join(inject("dataDir"), "workspaces", denied.workspace_id!, "repo", "allowed.txt"))).rejects.toThrow(/ENOENT/);
  });

  it("turns our interrupt into session/cancel: the turn ends as Interrupted, keeping what it said, and the agent goes on", async () => {
    const task = await started("hello");
    await user.client.send("me", task.id, "/sleep");
    await waitFor("the turn to be under way", async () => (await outputs(task)).at(-1)?.content === "Sleeping until cancelled.");
    const before = performance.now();
    await user.client.interrupt("me", task.id);
    const interrupted = await statusSays(task, "Interrupted");
    console.log(`interrupt latency (acp test agent, session/cancel): ${(performance.now() - before).toFixed(0)} ms`);
    expect(interrupted.current_state?.state).toBe("idle");
    expect((await outputs(task)).at(-1)?.content).toBe("Sleeping until cancelled.\n\n(Interrupted)");
    // The agent itself heard the cancel (it counts them), and the same process answers on.
    const { reply } = await turn(task, "/cancels", 3);
    expect(reply.content).toBe("Cancels received: 1.");
  });

  it("a crashed agent process fails the task with its last words; resume loads the same session (session/load)", async () => {
    const task = await started("remember me");
    await turn(task, "and me", 2);
    await user.client.send("me", task.id, "/crash");
    const errored = await waitForStatus(user.client, task.id, "error", 30_000);
    expect(errored.current_state?.state).toBe("failed");
    expect(errored.current_state?.message).toContain("exited with code 7 (acp-test-agent: crashing on purpose)");
    console.log(`crashed ACP agent → task state: ${errored.current_state?.message}`);

    await user.client.resume("me", task.id);
    await waitForStatus(user.client, task.id, "active", 30_000);
    await waitForState(user.client, task.id, "idle", 30_000);
    const kept = (await user.client.logs("me", task.id)).logs.map((l) => l.content);
    expect(kept.slice(0, 5)).toEqual(["remember me", "You said: remember me", "and me", "You said: and me", "/crash"]);
    // The replayed session is not shown again, and the agent remembers it: the same session, loaded.
    const n = (await outputs(task)).length;
    const { reply } = await turn(task, "/remember", n + 1);
    expect(reply.content).toBe("This session has heard: remember me | and me.");
    expect((await outputs(task)).length).toBe(n + 1);
  });

  it("an agent without loadSession starts a new session after a pause, and its next reply says so", async () => {
    const task = await started("remember me", await acpTemplate({ args: ["no-load-session"] }));
    await user.client.pause("me", task.id);
    await waitForStatus(user.client, task.id, "paused", 30_000);
    await user.client.resume("me", task.id);
    await waitForStatus(user.client, task.id, "active", 30_000);
    await waitForState(user.client, task.id, "idle", 30_000);
    const { reply } = await turn(task, "/remember", 2);
    expect(reply.content).toBe(
      "(The agent cannot load an earlier session (it does not offer loadSession): it started a new session and does not remember the conversation above.)\n\nThis session has heard: .",
    );
  });

  it("a command that ends before it speaks ACP fails the task's start with how it ended", async () => {
    const version = await acpTemplate({ command: ["/bin/sh", "-c", "echo not an ACP agent >&2; exit 5"] });
    const task = await user.client.createTask({ input: "hello", template_version_id: version });
    const failed = await waitForStatus(user.client, task.id, "error", 30_000);
    expect(failed.current_state?.message).toContain("The agent could not start: sh exited with code 5 (not an ACP agent)");
  });
});
