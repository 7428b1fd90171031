/**
 * The agents' share of `npm run bench`: what one idle agent costs in memory, and how a burst of
 * creates is carried out (builds in parallel), each against a baseline taken in the same run.
 */
import { spawn } from "node:child_process";
import os from "node:os";
import type postgres from "postgres";
import type { TaskyardClient } from "../lib/sdk/client";
import { agentProcess, bareNodeRssKiB, rssKiB } from "../tests/support/processes";

export type Row = { name: string; result: string; baseline: string; ratio: string };

async function until<T>(probe: () => Promise<T | undefined>, timeoutMs = 60_000, everyMs = 10): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const v = await probe();
    if (v) return v;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error("timed out");
}

const mb = (kib: number) => `${(kib / 1024).toFixed(0)} MB`;

/** An echo agent that has answered its prompt and sits idle, against a bare `node` given the same time. */
export async function idleAgentMemory(client: TaskyardClient, sql: postgres.Sql, version: string): Promise<Row> {
  const task = await client.createTask({ input: "bench idle agent", template_version_id: version });
  await until(async () => ((await client.task("me", task.id)).current_state?.state === "idle" ? true : undefined));
  const [{ pid }] = await sql`SELECT pid FROM workspace_agents WHERE workspace_id = ${task.workspace_id!} ORDER BY created_at DESC LIMIT 1`;
  await new Promise((r) => setTimeout(r, 1500)); // as long as the baseline gets to settle
  const agent = agentProcess(pid);
  if (!agent) throw new Error(`no agent process under pid ${pid}`);
  const agentKiB = rssKiB(agent.pid);
  const bareKiB = await bareNodeRssKiB();
  await client.deleteTask("me", task.id);
  return {
    name: "idle echo agent RSS (target ≤ 1.5×)",
    result: mb(agentKiB),
    baseline: `bare \`node -e 'setInterval(…)'\` ${mb(bareKiB)}`,
    ratio: `${(agentKiB / bareKiB).toFixed(2)}×`,
  };
}

/** `count` creates sent at once until the last is active, against one create → active (median, same run). */
export async function burstOfCreates(client: TaskyardClient, sql: postgres.Sql, version: string, count: number, oneCreateMs: number): Promise<Row> {
  const start = performance.now();
  const tasks = await Promise.all(Array.from({ length: count }, (_, i) => client.createTask({ input: `burst ${i}`, template_version_id: version })));
  const pending = new Set(tasks.map((t) => t.id));
  await until(async () => {
    const { tasks: listed } = await client.tasks("", { limit: 100 });
    for (const t of listed) if (t.status === "active") pending.delete(t.id);
    return pending.size === 0 ? true : undefined;
    // Not every 10 ms: listing 20 tasks back to back would load the very server being measured.
  }, 120_000, 100);
  const allActiveMs = performance.now() - start;
  await Promise.all(tasks.map((t) => client.deleteTask("me", t.id)));
  // Their delete builds must be done before anything else is measured.
  await until(async () => ((await sql`SELECT 1 FROM workspace_builds WHERE job_status IN ('pending', 'running') LIMIT 1`).length === 0 ? true : undefined), 120_000);
  return {
    name: `${count} creates at once → all active (target ≤ 2.5×)`,
    result: `${allActiveMs.toFixed(0)} ms`,
    baseline: `one create → active ${oneCreateMs.toFixed(0)} ms`,
    ratio: `${(allActiveMs / oneCreateMs).toFixed(2)}×`,
  };
}

/**
 * The floor under a burst: `count` bare `node -e ''` started at once. Every agent is at least one
 * node process booting, so a burst of agents cannot finish sooner than this on the same cores.
 */
export async function burstOfBareNodes(count: number, oneCreateMs: number): Promise<Row> {
  const start = performance.now();
  await Promise.all(Array.from({ length: count }, () => new Promise((r) => spawn(process.execPath, ["-e", ""]).once("exit", r))));
  const ms = performance.now() - start;
  return {
    name: `  (floor: ${count} bare \`node -e ''\` at once, ${os.availableParallelism()} cores)`,
    result: `${ms.toFixed(0)} ms`,
    baseline: `one create → active ${oneCreateMs.toFixed(0)} ms`,
    ratio: `${(ms / oneCreateMs).toFixed(2)}×`,
  };
}
