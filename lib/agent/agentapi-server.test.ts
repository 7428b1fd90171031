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
  const brain = new LocalBrain("custom", await Conversation.load(dir), async (input, _history, progress) => {
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
  const brain = new LocalBrain("custom", await Conversation.load(dir), async (input) => ({ content: `You said: ${input}`, state: "idle" }));
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
