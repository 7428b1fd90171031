import fs from "node:fs";
import path from "node:path";
import postgres from "postgres";
import { afterAll, expect } from "vitest";
import { TaskyardClient, type Task } from "../../lib/sdk/client";
import { databaseUrlOf } from "./stack-db";
import { waitForState, waitForStatus } from "./runtime";

const RESULTS = path.resolve(import.meta.dirname, "../../test-results/chaos.json");

export type Recovery = { fault: string; recoveredMs: number | null; lost: string };

const recoveries: Recovery[] = [];

/** One row of the closing note's table: fault → time to recover → anything lost. */
export function recordRecovery(row: Recovery) {
  recoveries.push(row);
}

afterAll(() => {
  if (!recoveries.length) return;
  fs.mkdirSync(path.dirname(RESULTS), { recursive: true });
  const earlier: Recovery[] = fs.existsSync(RESULTS) ? JSON.parse(fs.readFileSync(RESULTS, "utf8")) : [];
  const rows = [...earlier.filter((r) => !recoveries.some((n) => n.fault === r.fault)), ...recoveries];
  fs.writeFileSync(RESULTS, JSON.stringify(rows, null, 2));
  console.log(rows.map((r) => `${r.fault} | ${r.recoveredMs === null ? "—" : `${(r.recoveredMs / 1000).toFixed(1)} s`} | ${r.lost}`).join("\n"));
});

export async function signIn(baseUrl: string): Promise<TaskyardClient> {
  const { session_token } = await new TaskyardClient({ baseUrl }).login("admin@example.com", "admin-password");
  return new TaskyardClient({ baseUrl, token: session_token });
}

/** An echo task that has answered its prompt and one follow-up: a conversation to lose, if anything loses it. */
export async function taskWithConversation(client: TaskyardClient, prompt: string): Promise<Task> {
  const echo = (await client.templates()).find((t) => t.name === "echo")!.active_version_id;
  const task = await client.createTask({ input: prompt, template_version_id: echo });
  await waitForStatus(client, task.id, "active", 30_000);
  await waitForState(client, task.id, "idle", 30_000);
  await client.send("me", task.id, `${prompt}, again`);
  await waitForConversation(client, task.id, [prompt, `You said: ${prompt}`, `${prompt}, again`, `You said: ${prompt}, again`]);
  return client.task("me", task.id);
}

export async function waitForConversation(client: TaskyardClient, taskId: string, expected: string[], timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  let seen: string[] = [];
  while (Date.now() < deadline) {
    seen = await client.logs("me", taskId).then((l) => l.logs.map((m) => m.content), () => seen);
    if (JSON.stringify(seen) === JSON.stringify(expected)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  expect(seen).toEqual(expected);
}

/** Polls until `probe` is true; the time it took, in ms. */
export async function timeUntil(what: string, probe: () => Promise<boolean>, timeoutMs = 30_000): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (await probe().catch(() => false)) return Date.now() - started;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${what}: not within ${timeoutMs} ms`);
}

/** Every live process whose command line mentions `text` (a data dir: its postgres, its agents, its launcher). */
export function processesMentioning(text: string): { pid: number; cmd: string }[] {
  const found: { pid: number; cmd: string }[] = [];
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (/\) Z /.test(fs.readFileSync(`/proc/${entry}/stat`, "utf8"))) continue;
      const cmd = fs.readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0").join(" ");
      if (cmd.includes(text)) found.push({ pid: Number(entry), cmd });
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

export function postmasterPid(dataDir: string): number {
  return Number(fs.readFileSync(path.join(dataDir, "pg", "postmaster.pid"), "utf8").split("\n")[0]);
}

/** The launcher's database, read directly (for what the API does not show: agents' lifecycle, snapshots). */
export async function withDatabase<T>(dataDir: string, query: (sql: postgres.Sql) => Promise<T>): Promise<T> {
  const sql = postgres(await databaseUrlOf(dataDir), { max: 1, onnotice: () => {} });
  try {
    return await query(sql);
  } finally {
    await sql.end();
  }
}
