import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { freeLoopbackPort as freePort } from "../lib/ports";

export const PROJECT_ROOT = path.resolve(import.meta.dirname, "..");

export type RunningServer = { url: string; dataDir: string; stop: () => Promise<void> };

/** Linux: the processes whose command line mentions `dir` (this run's data dir, so only ours). */
async function killProcessesUsing(dir: string) {
  const pids = await fs.readdir("/proc").catch(() => [] as string[]);
  for (const pid of pids.filter((p) => /^\d+$/.test(p))) {
    const cmdline = await fs.readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => "");
    if (cmdline.includes(dir)) {
      try {
        process.kill(Number(pid), "SIGKILL");
      } catch {}
    }
  }
}

/**
 * `taskyard server` on a fresh data dir (so a fresh embedded PostgreSQL) and a free port. It runs
 * in its own process group, so whatever it leaves behind after SIGTERM can be cleaned up too.
 */
export async function startServer({
  env = {},
  args = [],
  timeoutMs = 240_000,
}: { env?: Record<string, string>; args?: string[]; timeoutMs?: number } = {}): Promise<RunningServer> {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "taskyard-e2e-"));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(process.execPath, ["bin/taskyard.mjs", "server", ...args], {
    cwd: PROJECT_ROOT,
    detached: true,
    stdio: ["ignore", "inherit", "inherit"],
    env: {
      ...process.env,
      PORT: String(port),
      HOSTNAME: "127.0.0.1",
      TASKYARD_DATA_DIR: dataDir,
      DATABASE_URL: "",
      ANTHROPIC_API_KEY: "",
      NEXT_TELEMETRY_DISABLED: "1",
      LOG_LEVEL: process.env.LOG_LEVEL ?? "warn",
      ...env,
    },
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 25_000))]);
    }
    // Anything of this server's process group still alive (the web server) goes too, and so do
    // agents it started in their own groups (they work under the data dir) if it left any behind.
    try {
      process.kill(-child.pid!, "SIGKILL");
    } catch {}
    await killProcessesUsing(dataDir);
    await fs.rm(dataDir, { recursive: true, force: true }).catch(() => {});
  };

  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`taskyard server exited with code ${child.exitCode} during startup`);
    }
    // Port taken by someone else would also answer /healthz: only trust it once ours is listening.
    if (await fetch(`${url}/healthz`).then((r) => r.ok, () => false)) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`taskyard server did not become healthy within ${timeoutMs} ms`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return { url, dataDir, stop };
}
