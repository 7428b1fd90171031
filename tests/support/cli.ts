import { spawn } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";

const ROOT = path.resolve(import.meta.dirname, "../..");
const BIN = path.join(ROOT, "bin/taskyard.mjs");

export type CliResult = { code: number | null; stdout: string; stderr: string };
export type CliOptions = { config: string; env?: Record<string, string>; input?: string };

export const newConfigDir = () => fs.mkdtemp(path.join(os.tmpdir(), "taskyard-cli-"));

/** The CLI's environment: the test's own, minus anything that would log it in or turn colours off. */
function cliEnvironment(config: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, XDG_CONFIG_HOME: config, ...extra };
  for (const key of ["TASKYARD_URL", "TASKYARD_SESSION_TOKEN", "NO_COLOR", "TASKYARD_TASK_TEMPLATE_NAME", "FORCE_COLOR"]) if (!(key in extra)) delete env[key];
  return env;
}

/** The real `taskyard` binary, its stdin a pipe (closed after `input`), never a terminal. */
export function startCli(args: string[], options: CliOptions) {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: cliEnvironment(options.config, options.env) });
  const result: CliResult = { code: null, stdout: "", stderr: "" };
  child.stdout.on("data", (d: Buffer) => (result.stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (result.stderr += d.toString()));
  child.stdin.end(options.input ?? "");
  const done = new Promise<CliResult>((resolve) => child.on("close", (code) => resolve({ ...result, code })));
  return { child, result, done };
}

export const runCli = (args: string[], options: CliOptions) => startCli(args, options).done;

const quote = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;

/**
 * The binary in a pseudo-terminal (util-linux `script`), as someone typing would run it: each
 * answer is typed once its prompt has appeared. Returns what the terminal showed.
 */
export function runCliInTerminal(args: string[], options: CliOptions & { answers?: [prompt: string, typed: string][] }): Promise<{ code: number | null; screen: string }> {
  const command = [process.execPath, BIN, ...args].map(quote).join(" ");
  const child = spawn("script", ["-qfec", command, "/dev/null"], { cwd: ROOT, env: cliEnvironment(options.config, options.env) });
  let screen = "";
  const answers = [...(options.answers ?? [])];
  child.stdout.on("data", (d: Buffer) => {
    screen += d.toString();
    while (answers.length && screen.includes(answers[0][0])) child.stdin.write(answers.shift()![1]);
  });
  child.stderr.on("data", (d: Buffer) => (screen += d.toString()));
  return new Promise((resolve) => child.on("close", (code) => resolve({ code, screen })));
}
