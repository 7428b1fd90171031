import fs from "node:fs";
import postgres from "postgres";
import { inject } from "vitest";
import type { Task, TaskyardClient } from "../../lib/sdk/client";

let sqlClient: postgres.Sql | undefined;
/** Direct database access, for what the API deliberately does not show (pids, hashes, builds). */
export function db(): postgres.Sql {
  sqlClient ??= postgres(inject("databaseUrl"), { max: 2, onnotice: () => {} });
  return sqlClient;
}

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 15_000, everyMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out waiting for ${what}${last ? ` (last error: ${last})` : ""}`);
}

export function waitForStatus(client: TaskyardClient, taskId: string, status: Task["status"], timeoutMs = 15_000) {
  return waitFor(`task ${taskId} to be ${status}`, async () => {
    const task = await client.task("me", taskId);
    return task.status === status ? task : undefined;
  }, timeoutMs);
}

export function waitForState(client: TaskyardClient, taskId: string, state: string, timeoutMs = 15_000) {
  return waitFor(`task ${taskId} state ${state}`, async () => {
    const task = await client.task("me", taskId);
    return task.current_state?.state === state ? task : undefined;
  }, timeoutMs);
}

export async function currentAgentPid(workspaceId: string): Promise<number> {
  const [row] = await db()`SELECT pid FROM workspace_agents WHERE workspace_id = ${workspaceId} ORDER BY created_at DESC LIMIT 1`;
  return row.pid as number;
}

/** Running, and not a zombie: a killed agent whose parent is gone may linger unreaped as one. */
export function isAlive(pid: number | null): boolean {
  if (!pid) return false;
  try {
    return !/\) Z /.test(fs.readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}

/** Every process below `pid` (from /proc), with its argv: what an agent started, sandbox or not. */
export function descendants(pid: number): { pid: number; argv: string[] }[] {
  const children = new Map<number, number[]>();
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // Gone meanwhile.
    }
  }
  const found: { pid: number; argv: string[] }[] = [];
  const walk = (p: number) => {
    for (const child of children.get(p) ?? []) {
      try {
        found.push({ pid: child, argv: fs.readFileSync(`/proc/${child}/cmdline`, "utf8").split("\0").filter(Boolean) });
      } catch {
        continue;
      }
      walk(child);
    }
  };
  walk(pid);
  return found;
}

/** A process's environment as /proc shows it to anyone who may read it. */
export function environOf(pid: number): Record<string, string> {
  const raw = fs.readFileSync(`/proc/${pid}/environ`, "utf8");
  return Object.fromEntries(raw.split("\0").filter(Boolean).map((kv) => [kv.slice(0, kv.indexOf("=")), kv.slice(kv.indexOf("=") + 1)]));
}
