import { execFile } from "node:child_process";
import fs from "node:fs/promises";
import path from "node:path";
import { codingAgentEnvironment } from "../../sandbox/environment";
import type { BrainOptions } from "./types";
import type { Reply, Responder } from "./local";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The offline, deterministic brain tests use: every reply contains the user's text verbatim.
 * Commands: `/sleep <ms>` stays working that long, `/complete`, `/fail`, `/crash` (exits non-zero),
 * `/sh <command>` runs a shell command in the workspace as a coding agent would, and replies with its output,
 * `/write <path> <text>` writes a file (in the task's repository, if it has one).
 */
export function echoResponder(options: BrainOptions): Responder {
  const delay = Number(options.parameters.reply_delay_ms ?? 0) || 0;
  return async (input: string): Promise<Reply> => {
    const [command, arg] = input.trim().split(/\s+/, 2);
    if (delay) await sleep(delay);
    switch (command) {
      case "/sleep":
        await sleep(Math.min(Number(arg) || 0, 600_000));
        return { content: `Slept ${Number(arg) || 0} ms. You said: ${input}`, state: "idle" };
      case "/complete":
        return { content: `Task complete. You said: ${input}`, state: "complete" };
      case "/fail":
        return { content: `Task failed on purpose. You said: ${input}`, state: "failure" };
      case "/sh":
        return { content: await shell(input.trim().slice("/sh".length).trim(), options.codeDir), state: "idle" };
      case "/write": {
        // `/write <path> <text>`: the text (the rest of the line and any lines after it) into a file.
        const match = /^\/write\s+(\S+)\s?([\s\S]*)$/.exec(input.trim());
        if (!match) return { content: "Usage: /write <path> <text>", state: "failure" };
        const file = path.resolve(options.codeDir, match[1]);
        await fs.mkdir(path.dirname(file), { recursive: true });
        await fs.writeFile(file, match[2].endsWith("\n") || !match[2] ? match[2] : `${match[2]}\n`);
        return { content: `Wrote ${match[1]}. You said: ${input}`, state: "idle" };
      }
      case "/crash":
        return options.onCrash(`crash requested by the user: ${input}`);
      default:
        return { content: `You said: ${input}`, state: "idle" };
    }
  };
}

/** Output of `sh -c command` (stdout, then stderr), capped; a failure is part of the reply, not an error. */
function shell(command: string, cwd: string): Promise<string> {
  return new Promise((resolve) => {
    execFile("sh", ["-c", command], { cwd, env: codingAgentEnvironment(), timeout: 60_000, maxBuffer: 1024 * 1024 }, (error, stdout, stderr) => {
      const exit = error ? `\n(exit ${error.code ?? error.signal})` : "";
      resolve(`${stdout}${stderr}${exit}`.slice(0, 16 * 1024) || "(no output)");
    });
  });
}
