import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { freeLoopbackPort } from "../../lib/ports";

const ROOT = path.resolve(import.meta.dirname, "../..");

export type Proc = { child: ChildProcess; output: () => string; stop: (signal?: NodeJS.Signals) => Promise<void> };

/** Runs `taskyard <args>` as a child process, capturing its output for failure messages. */
export function taskyard(args: string[], env: Record<string, string>): Proc {
  const child = spawn(process.execPath, [path.join(ROOT, "bin/taskyard.mjs"), ...args], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: "info", ANTHROPIC_API_KEY: "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (out += d));
  return {
    child,
    output: () => out,
    stop: async (signal = "SIGTERM") => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once("exit", r));
      child.kill(signal);
      await exited;
    },
  };
}

export async function tempDataDir(): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "taskyard-stack-"));
  await fs.chmod(dir, 0o755);
  return dir;
}

export async function waitHealthy(baseUrl: string, proc: Proc, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc.child.exitCode !== null) throw new Error(`server exited:\n${proc.output()}`);
    if (await fetch(`${baseUrl}/healthz`).then((r) => r.ok, () => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`server did not become healthy:\n${proc.output()}`);
}

/** A whole `taskyard server` of its own (its own embedded PostgreSQL unless DATABASE_URL is given). */
export async function startServer(options: { dataDir: string; port?: number; env?: Record<string, string>; args?: string[] }) {
  const port = options.port ?? (await freeLoopbackPort());
  const baseUrl = `http://127.0.0.1:${port}`;
  const proc = taskyard(["server", "--no-build", ...(options.args ?? [])], {
    PORT: String(port),
    HOSTNAME: "127.0.0.1",
    TASKYARD_DATA_DIR: options.dataDir,
    TASKYARD_ADMIN_EMAIL: "admin@example.com",
    TASKYARD_ADMIN_PASSWORD: "admin-password",
    DATABASE_URL: "",
    ...options.env,
  });
  await waitHealthy(baseUrl, proc);
  return { baseUrl, port, proc };
}
