import { randomUUID } from "node:crypto";
import path from "node:path";
import { codingAgentEnvironment } from "../../sandbox/environment";
import type { WorkspaceChannel } from "../workspace-channel";
import type { BrainOptions } from "./types";
import type { Reply, Responder } from "./local";
import { answered, newToolCall } from "../tool-calls";

/** Waits `ms`, or less if the turn is interrupted meanwhile. */
const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });

/**
 * The offline, deterministic brain tests use: every reply contains the user's text verbatim.
 * Commands: `/sleep <ms>` stays working that long, `/complete`, `/fail`, `/crash` (exits non-zero),
 * `/sh <command>` runs a shell command in the workspace as a coding agent would, and replies with its output,
* `/write <path> <text>` writes a file (in the task's repository, if it has one), `/steps <n> <ms>`
 * writes its reply a line at a time ("Step 1 of n"…), one every `ms` (a long turn that shows progress),
 * `/tool <command>` runs a shell command as a coding agent's tool call: a tool line in the reply,
 * its input and output kept as a structured call, and the line as the task's status while it runs.
 * An interrupted turn stops sleeping at once.
 */
export function echoResponder(options: BrainOptions): Responder {
  const delay = Number(options.parameters.reply_delay_ms ?? 0) || 0;
  return async (input, _history, progress, signal): Promise<Reply> => {
    const [command, arg, arg2] = input.trim().split(/\s+/, 3);
    if (delay) await sleep(delay, signal);
    switch (command) {
      case "/sleep":
        await sleep(Math.min(Number(arg) || 0, 600_000), signal);
        return { content: `Slept ${Number(arg) || 0} ms. You said: ${input}`, state: "idle" };
      case "/steps": {
        const steps = Math.min(Number(arg) || 0, 10_000);
        const lines: string[] = [];
        for (let i = 1; i <= steps && !signal?.aborted; i++) {
          lines.push(`Step ${i} of ${steps}`);
          progress(lines.join("\n"));
          await sleep(Math.min(Number(arg2) || 0, 60_000), signal);
        }
        return { content: `${lines.join("\n")}\nDone. You said: ${input}`, state: "idle" };
      }
      case "/complete":
        return { content: `Task complete. You said: ${input}`, state: "complete" };
      case "/fail":
        return { content: `Task failed on purpose. You said: ${input}`, state: "failure" };
      case "/sh":
        return { content: await shell(options.workspace, input.trim().slice("/sh".length).trim(), options.codeDir, options.codingEnv), state: "idle" };
      case "/write": {
        // `/write <path> <text>`: the text (the rest of the line and any lines after it) into a file.
        const match = /^\/write\s+(\S+)\s?([\s\S]*)$/.exec(input.trim());
        if (!match) return { content: "Usage: /write <path> <text>", state: "failure" };
        // Written inside the workspace, as its user: the agent itself never opens a path the model can change.
        const file = path.posix.resolve(options.codeDir, match[1]);
        const text = match[2].endsWith("\n") || !match[2] ? match[2] : `${match[2]}\n`;
        const written = await options.workspace.exec({
          argv: ["sh", "-c", 'mkdir -p -- "$(dirname -- "$1")" && cat > "$1"', "write", file],
          cwd: options.codeDir,
          env: codingAgentEnvironment({ HOME: options.workspace.workspaceDir, ...options.codingEnv }),
          stdin: text,
        });
        if (written.code !== 0) throw new Error(`cannot write ${match[1]}: ${written.stderr.trim()}`);
        return { content: `Wrote ${match[1]}. You said: ${input}`, state: "idle" };
      }
      case "/tool": {
        const command = input.trim().slice("/tool".length).trim();
        const line = `Bash: ${command.replace(/\s+/g, " ")}`;
        const call = newToolCall({ id: `echo-${randomUUID()}`, name: "Bash", input: { command } });
        progress(`Running a command.\n\n${line}`, { step: line, tools: [call] });
        const ran = await options.workspace.exec({ argv: ["sh", "-c", command], cwd: options.codeDir, env: codingAgentEnvironment({ HOME: options.workspace.workspaceDir, ...options.codingEnv }), timeoutMs: 60_000 });
        const done = answered(call, `${ran.stdout}${ran.stderr}`, ran.code !== 0);
        const answer = `Ran it${ran.code === 0 ? "" : ` (exit ${ran.code ?? ran.signal})`}. You said: ${input}`;
        return { content: `Running a command.\n\n${line}\n\n${answer}`, state: "idle", headline: answer, tools: [done] };
      }
      case "/crash":
        return options.onCrash(`crash requested by the user: ${input}`);
      default:
        return { content: `You said: ${input}`, state: "idle" };
    }
  };
}

/** Output of `sh -c command` in the workspace (stdout, then stderr), capped; a failure is part of the reply, not an error. */
async function shell(workspace: WorkspaceChannel, command: string, cwd: string, codingEnv: Record<string, string> = {}): Promise<string> {
  const { stdout, stderr, code, signal } = await workspace.exec({ argv: ["sh", "-c", command], cwd, env: codingAgentEnvironment({ HOME: workspace.workspaceDir, ...codingEnv }), timeoutMs: 60_000 });
  const exit = code === 0 ? "" : `\n(exit ${code ?? signal})`;
  return `${stdout}${stderr}${exit}`.slice(0, 16 * 1024) || "(no output)";
}
