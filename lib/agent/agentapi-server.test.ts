import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, expect, it } from "vitest";
import { plainRequest } from "../http-request";
import { createAgentApiClient } from "../agents/agentapi-client";
import { localWorkspace } from "../../tests/support/workspace";
import { serveAgentApi } from "./agentapi-server";
import { LocalBrain } from "./brains/local";
import { Conversation } from "./conversation";
import type { WorkspaceChannel } from "./workspace-channel";

let dir: string;
let workspace: WorkspaceChannel;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "taskyard-agentapi-"));
  workspace = await localWorkspace(dir);
});
afterEach(async () => {
  workspace.close();
  await fs.rm(dir, { recursive: true, force: true });
});

it("GET /messages follows every change of the conversation, a reply growing in place included", async () => {
  let finish!: () => void;
  const brain = new LocalBrain("echo", await Conversation.load(dir), async (input, _history, progress) => {
    progress("Thinking");
    await new Promise<void>((r) => (finish = r));
    return { content: `You said: ${input}`, state: "idle" };
  });
  const api = await serveAgentApi(brain, { secret: "s3cret", workspace });
  const messages = async () => {
    const res = await plainRequest(new URL(`${api.url}/messages`), { headers: { authorization: "Bearer s3cret" }, timeoutMs: 2000 });
    return (JSON.parse(res.body.toString()).messages as { role: string; content: string }[]).map((m) => `${m.role}: ${m.content}`);
  };
  const until = async (expected: string[]) => {
    for (let i = 0; i < 200 && JSON.stringify(await messages()) !== JSON.stringify(expected); i++) await new Promise((r) => setTimeout(r, 10));
    expect(await messages()).toEqual(expected);
  };
  try {
    expect(await messages()).toEqual([]);
    expect(await messages()).toEqual([]); // asked again, unchanged
    const sent = brain.send("Hello");
    await until(["user: Hello", "agent: Thinking"]);
    finish();
    await sent;
    await until(["user: Hello", "agent: You said: Hello"]);
  } finally {
    await api.close();
  }
});

it("GET /messages tags each version with an ETag: 304 while it is unchanged, the new version after a change or a restart", async () => {
  const brain = new LocalBrain("echo", await Conversation.load(dir), async (input) => ({ content: `You said: ${input}`, state: "idle" }));
  let api = await serveAgentApi(brain, { secret: "s3cret", workspace });
  const client = () => createAgentApiClient({ url: api.url, secret: "s3cret" });
  try {
    const first = await client().messagesUnless(undefined);
    if (first === "unchanged") throw new Error("nothing was held yet");
    expect(first.messages).toEqual([]);
    expect(first.etag).toMatch(/^".+"$/);
    expect(await client().messagesUnless(first.etag)).toBe("unchanged");

    await brain.send("Hello");
    while (brain.messages().length < 2) await new Promise((r) => setTimeout(r, 5)); // the reply follows the send
    const second = await client().messagesUnless(first.etag);
    if (second === "unchanged") throw new Error("the conversation changed");
    expect(second.messages.map((m) => m.content)).toEqual(["Hello", "You said: Hello"]);
    expect(second.etag).not.toBe(first.etag);
    expect(await client().messagesUnless(second.etag)).toBe("unchanged");

    // Another agent process with the same conversation never repeats an ETag the server may hold.
    await api.close();
    api = await serveAgentApi(brain, { secret: "s3cret", workspace });
    const restarted = await client().messagesUnless(second.etag);
    if (restarted === "unchanged") throw new Error("a restarted agent repeated an ETag");
    expect(restarted.messages).toEqual(second.messages);
  } finally {
    await api.close();
  }
});

it("POST /commit commits the repository through the workspace, only with the secret and a JSON body; 409 without a repository", async () => {
  const { execFileSync } = await import("node:child_process");
  const repo = path.join(dir, "repo");
  await fs.mkdir(repo);
  const git = (...args: string[]) => execFileSync("git", ["-c", "user.name=Base", "-c", "user.email=base@example.com", ...args], { cwd: repo, encoding: "utf8" }).trim();
  git("init", "--quiet");
  git("commit", "--quiet", "--allow-empty", "-m", "base");
  await fs.writeFile(path.join(repo, "new.txt"), "new\n");
  const brain = new LocalBrain("echo", await Conversation.load(dir), async (input) => ({ content: input, state: "idle" }));
  const api = await serveAgentApi(brain, { secret: "s3cret", workspace, repoDir: repo, coAuthor: "Taskyard agent (echo) <agent@taskyard.invalid>" });
  const bare = await serveAgentApi(brain, { secret: "s3cret", workspace });
  const post = (url: string, body: string, headers: Record<string, string> = { authorization: "Bearer s3cret", "content-type": "application/json" }) =>
    plainRequest(new URL(`${url}/commit`), { method: "POST", body, headers, timeoutMs: 10_000 });
  try {
    const body = JSON.stringify({ message: "Fix it", author: { name: "Ada", email: "ada@example.com" } });
    expect((await post(api.url, body, { "content-type": "application/json" })).status).toBe(401);
    expect((await post(api.url, body, { authorization: "Bearer s3cret", "content-type": "text/plain" })).status).toBe(415);
    expect((await post(api.url, JSON.stringify({ message: "x", author: { name: "Eve\nX", email: "e@x" } }))).status).toBe(400);
    expect((await post(api.url, JSON.stringify({ message: " " }))).status).toBe(400);
    expect((await post(bare.url, body)).status).toBe(409);
    expect(git("log", "--format=%s")).toBe("base");

    const result = await createAgentApiClient({ url: api.url, secret: "s3cret" }).commit({ message: "Fix it", author: { name: "Ada", email: "ada@example.com" } });
    expect(result).toEqual({ committed: true, head_commit: git("rev-parse", "HEAD") });
    expect(git("log", "-1", "--format=%an <%ae>%n%B")).toBe("Ada <ada@example.com>\nFix it\n\nCo-authored-by: Taskyard agent (echo) <agent@taskyard.invalid>");
  } finally {
    await api.close();
    await bare.close();
  }
});
