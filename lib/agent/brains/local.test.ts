import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Conversation } from "../conversation";
import { InputNotSavedError, LocalBrain, type Reply } from "./local";
import { NotStableError, type StatusReport } from "./types";

let dir: string;
beforeEach(async () => (dir = await fs.mkdtemp(path.join(os.tmpdir(), "taskyard-brain-"))));
afterEach(() => fs.rm(dir, { recursive: true, force: true }));

/** A write that cannot happen, even as root: the temp file's name is taken by a directory. */
const breakWrites = () => fs.mkdir(path.join(dir, "conversation.json.tmp"));
const mendWrites = () => fs.rm(path.join(dir, "conversation.json.tmp"), { recursive: true });
const saved = async () => JSON.parse(await fs.readFile(path.join(dir, "conversation.json"), "utf8")).messages;

describe("a conversation that cannot be saved", () => {
  it("keeps what it had, and takes the next change once writing works again", async () => {
    const conversation = await Conversation.load(dir);
    const seen: string[] = [];
    conversation.on("message", (m) => seen.push(m.content));
    await conversation.append("user", "first");
    await breakWrites();
    await expect(conversation.append("user", "lost")).rejects.toThrow(/EISDIR/);
    expect(conversation.all().map((m) => m.content)).toEqual(["first"]);
    expect(seen).toEqual(["first"]);
    await mendWrites();
    const next = await conversation.append("user", "second");
    expect(next.id).toBe(1);
    expect((await saved()).map((m: { content: string }) => m.content)).toEqual(["first", "second"]);
  });
});

describe("LocalBrain.send is all or nothing", () => {
  const echo = async (input: string): Promise<Reply> => ({ content: `You said: ${input}`, state: "idle" });

  async function brainWithReports() {
    const brain = new LocalBrain("custom", await Conversation.load(dir), echo);
    const reports: StatusReport[] = [];
    brain.onStatus((_status, report) => reports.push(report));
    return { brain, reports };
  }

  const settle = async (brain: LocalBrain) => {
    for (let i = 0; i < 100 && brain.status() !== "stable"; i++) await new Promise((r) => setTimeout(r, 10));
  };

  it("refuses an input it could not save, reports failure with the reason, and works again afterwards", async () => {
    const { brain, reports } = await brainWithReports();
    await breakWrites();
    await expect(brain.send("hello")).rejects.toBeInstanceOf(InputNotSavedError);
    expect(brain.messages()).toEqual([]);
    expect(brain.status()).toBe("stable");
    expect(reports.at(-1)).toMatchObject({ state: "failure", message: expect.stringMatching(/^Could not take the input: .*EISDIR/) });

    await mendWrites();
    await brain.send("again");
    await settle(brain);
    expect(brain.messages().map((m) => m.content)).toEqual(["again", "You said: again"]);
    expect(reports.at(-1)).toMatchObject({ state: "idle", message: "You said: again" });
  });

  it("takes exactly one of two inputs sent at once; the other is refused as busy and leaves no trace", async () => {
    const { brain } = await brainWithReports();
    const results = await Promise.allSettled([brain.send("one"), brain.send("two")]);
    expect(results.map((r) => r.status).sort()).toEqual(["fulfilled", "rejected"]);
    expect((results.find((r) => r.status === "rejected") as PromiseRejectedResult).reason).toBeInstanceOf(NotStableError);
    await settle(brain);
    expect(brain.messages().map((m) => m.content)).toEqual(["one", "You said: one"]);
  });

  it("does not stay working when its reply cannot be saved", async () => {
    const slow = async (input: string): Promise<Reply> => {
      await breakWrites();
      return { content: `You said: ${input}`, state: "idle" };
    };
    const brain = new LocalBrain("custom", await Conversation.load(dir), slow);
    const reports: StatusReport[] = [];
    brain.onStatus((_s, report) => reports.push(report));
    await brain.send("hello");
    await settle(brain);
    expect(brain.status()).toBe("stable");
    expect(reports.at(-1)).toMatchObject({ state: "failure", message: expect.stringMatching(/^Could not save the reply: .*EISDIR/) });
    expect(brain.messages().map((m) => m.content)).toEqual(["hello"]);
  });
});
