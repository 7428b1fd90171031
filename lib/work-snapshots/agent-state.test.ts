import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { afterEach, describe, expect, it } from "vitest";
import { writeAgentState } from "./agent-state";

const pack = (files: Record<string, string | number>) => gzipSync(JSON.stringify(Object.fromEntries(Object.entries(files).map(([k, v]) => [k, typeof v === "string" ? Buffer.from(v).toString("base64") : v]))));

let dir: string;
afterEach(async () => {
  if (dir) await fs.rm(path.dirname(dir), { recursive: true, force: true });
});

describe("writeAgentState", () => {
  it("writes the agent's state files, one directory deep, and skips every name that could leave the directory or hide in it", async () => {
    const parent = await fs.mkdtemp(path.join(os.tmpdir(), "agent-state-"));
    dir = path.join(parent, "state");
    await fs.mkdir(dir);
    const written = await writeAgentState(
      dir,
      pack({
        "conversation.json": '{"messages":[]}',
        "tool-calls/3.json": '{"tool_calls":[]}',
        "../escaped.json": "no",
        "/etc/taskyard-escaped": "no",
        ".hidden": "no",
        "a/b/c.json": "no",
        "tool-calls/../../escaped2": "no",
        "status.json": 42,
      }),
    );
    expect(written.sort()).toEqual(["conversation.json", "tool-calls/3.json"]);
    expect(await fs.readFile(path.join(dir, "tool-calls/3.json"), "utf8")).toBe('{"tool_calls":[]}');
    expect((await fs.readdir(parent)).sort()).toEqual(["state"]);
    expect((await fs.readdir(dir)).sort()).toEqual(["conversation.json", "tool-calls"]);
  });

  it("never writes through a file that is already there (a link planted in the directory)", async () => {
    const parent = await fs.mkdtemp(path.join(os.tmpdir(), "agent-state-"));
    dir = path.join(parent, "state");
    await fs.mkdir(dir);
    await fs.writeFile(path.join(parent, "target"), "kept");
    await fs.symlink(path.join(parent, "target"), path.join(dir, "prompt.txt"));
    await expect(writeAgentState(dir, pack({ "prompt.txt": "overwritten?" }))).rejects.toThrow(/EEXIST/);
    expect(await fs.readFile(path.join(parent, "target"), "utf8")).toBe("kept");
  });
});
