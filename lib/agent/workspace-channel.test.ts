import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureAgentBundle } from "../workspaces/agent-bundle";
import { WorkspaceChannel } from "./workspace-channel";

describe("the workspace channel (agent ↔ workspace runtime over HTTP/2 on a socket pair)", () => {
  let dir: string;
  let channel: WorkspaceChannel;
  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), "taskyard-channel-"));
    channel = WorkspaceChannel.startLocal(dir, [process.execPath, await ensureAgentBundle(), "workspace-runtime"]);
  });
  afterAll(async () => {
    channel.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it("runs a command to its end inside the workspace, with its own environment and stdin", async () => {
    const result = await channel.exec({ argv: ["sh", "-c", 'cat > note.txt; echo "$GREETING $(pwd)"; echo oops >&2; exit 3'], env: { GREETING: "hello", PATH: "/usr/bin:/bin" }, stdin: "kept" });
    expect(result).toEqual({ stdout: `hello ${dir}\n`, stderr: "oops\n", code: 3, signal: null });
    expect(await fs.readFile(path.join(dir, "note.txt"), "utf8")).toBe("kept");
  });

  it("streams a long-lived command's stdin and stdout, and reports how it ended", async () => {
    const child = channel.spawn({ argv: ["sh", "-c", "while read line; do echo got:$line; done; echo bye >&2; exit 7"], env: { PATH: "/usr/bin:/bin" } });
    const out: string[] = [];
    child.stdout.on("data", (c: Buffer) => out.push(c.toString()));
    child.stdin.write("one\n");
    child.stdin.write("two\n");
    child.stdin.end();
    const [code] = await new Promise<[number | null, string | null]>((resolve) => child.once("exit", (c, s) => resolve([c, s])));
    expect(code).toBe(7);
    expect(out.join("")).toBe("got:one\ngot:two\n");
  });

  it("kills a command on request", async () => {
    const child = channel.spawn({ argv: ["sleep", "30"], env: { PATH: "/usr/bin:/bin" } });
    await new Promise((r) => child.once("spawn", r));
    child.kill("SIGTERM");
    const [, signal] = await new Promise<[number | null, string | null]>((resolve) => child.once("exit", (c, s) => resolve([c, s])));
    expect(signal).toBe("SIGTERM");
  });

  it("an unknown program is an error event, not a hang", async () => {
    const child = channel.spawn({ argv: ["/nonexistent/program"], env: {} });
    const error = await new Promise<Error>((resolve) => child.once("error", resolve));
    expect(error.message).toMatch(/cannot run/);
  });

  it("stores uploads under uploads/ without overwriting", async () => {
    const first = await channel.upload("../../etc/passwd", Buffer.from("a"));
    const second = await channel.upload("../../etc/passwd", Buffer.from("b"));
    expect(first).toBe(path.join(dir, "uploads", "passwd"));
    expect(second).toBe(path.join(dir, "uploads", "passwd-1"));
  });
});
