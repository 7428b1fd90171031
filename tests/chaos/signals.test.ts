import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs/promises";
import path from "node:path";
import postgres from "postgres";
import { afterAll, describe, expect, it } from "vitest";
import { startEmbeddedPostgres } from "../../lib/db/embedded";
import { freeLoopbackPort } from "../../lib/ports";
import { processesMentioning, recordRecovery, signIn, taskWithConversation, timeUntil } from "../support/chaos";
import { descendants, isAlive } from "../support/runtime";
import { tempDataDir } from "../support/stack";

const ROOT = path.resolve(import.meta.dirname, "../..");
const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => {});
});

type Way = { name: string; command: string[]; signal: (child: ChildProcess) => void };

const ways: Way[] = [
  // Docker with `npm start` as PID 1, or a systemd unit whose main pid is npm: npm ends and does not pass it on.
  { name: "SIGTERM to npm", command: ["npm", "start", "--silent", "--", "--no-build"], signal: (c) => process.kill(c.pid!, "SIGTERM") },
  { name: "SIGTERM to the launcher", command: [process.execPath, "bin/taskyard.mjs", "server", "--no-build"], signal: (c) => process.kill(c.pid!, "SIGTERM") },
  // Ctrl+C in a terminal: the whole foreground process group at once.
  { name: "SIGINT to the process group", command: ["npm", "start", "--silent", "--", "--no-build"], signal: (c) => process.kill(-c.pid!, "SIGINT") },
];

describe("stopping by signal", () => {
  it.each(ways)("$name stops everything in order within 10 s: agents off with their final snapshot, then the web server, then PostgreSQL", async ({ name, command, signal }) => {
    const dataDir = await tempDataDir();
    cleanups.push(() => fs.rm(dataDir, { recursive: true, force: true }));
    const port = await freeLoopbackPort();
    const baseUrl = `http://127.0.0.1:${port}`;
    const child = spawn(command[0], command.slice(1), {
      cwd: ROOT,
      detached: true, // its own process group, as a terminal or a container would give it
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, PORT: String(port), HOSTNAME: "127.0.0.1", TASKYARD_DATA_DIR: dataDir, DATABASE_URL: "", TASKYARD_ADMIN_EMAIL: "admin@example.com", TASKYARD_ADMIN_PASSWORD: "admin-password", LOG_LEVEL: "info" },
    });
    let output = "";
    child.stdout!.on("data", (d) => (output += d));
    child.stderr!.on("data", (d) => (output += d));
    cleanups.push(async () => processesMentioning(dataDir).forEach((p) => process.kill(p.pid, "SIGKILL")));
    await timeUntil("the server is up", async () => (await fetch(`${baseUrl}/readyz`)).ok, 60_000);
    const client = await signIn(baseUrl);
    const task = await taskWithConversation(client, `Stopped by ${name}`);

    // npm, sh, the launcher, the web server, PostgreSQL and its backends, the agents (and their sandboxes).
    const everything = [child.pid!, ...descendants(child.pid!).map((p) => p.pid)];
    expect(everything.length).toBeGreaterThan(5);
    signal(child);
    const stoppedMs = await timeUntil(
      "nothing running",
      async () => everything.every((pid) => !isAlive(pid)) && processesMentioning(dataDir).length === 0,
      15_000,
    );
    expect(stoppedMs, output).toBeLessThan(10_000);
    expect(output).toContain("stopped cleanly");

    // What the database holds now: the agent said it is off and left its conversation behind.
    const pg = await startEmbeddedPostgres(dataDir);
    const sql = postgres(pg.url, { max: 1, onnotice: () => {} });
    try {
      const agents = await sql`SELECT lifecycle_state FROM workspace_agents WHERE workspace_id = ${task.workspace_id!}`;
      expect(agents.map((a) => a.lifecycle_state)).toEqual(["off"]);
      const [snapshot] = await sql`SELECT messages FROM task_snapshots WHERE task_id = ${task.id}`;
      expect(snapshot.messages.map((m: { content: string }) => m.content)).toEqual([
        `Stopped by ${name}`,
        `You said: Stopped by ${name}`,
        `Stopped by ${name}, again`,
        `You said: Stopped by ${name}, again`,
      ]);
    } finally {
      await sql.end();
      await pg.stop();
    }
    recordRecovery({ fault: `${name} (stop)`, recoveredMs: stoppedMs, lost: "nothing: agents off, final snapshot stored, no process left" });
  });
});
