import fs from "node:fs/promises";
import postgres from "postgres";
import { afterAll, describe, expect, it } from "vitest";
import { TaskyardClient } from "../../lib/sdk/client";
import { waitFor } from "../support/runtime";
import { databaseUrlOf } from "../support/stack-db";
import { startServer, tempDataDir } from "../support/stack";

const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => {});
});

/** A server of its own whose provisioner carries out `concurrency` builds at once. */
async function serverWithConcurrency(concurrency: number) {
  const dataDir = await tempDataDir();
  const server = await startServer({ dataDir, env: { TASKYARD_BUILD_CONCURRENCY: String(concurrency) } });
  cleanups.push(() => fs.rm(dataDir, { recursive: true, force: true }), () => server.proc.stop());
  const sql = postgres(await databaseUrlOf(dataDir), { max: 2, onnotice: () => {} });
  cleanups.push(() => sql.end());
  const { session_token } = await new TaskyardClient({ baseUrl: server.baseUrl }).login("admin@example.com", "admin-password");
  const client = new TaskyardClient({ baseUrl: server.baseUrl, token: session_token });
  const echo = (await client.templates()).find((t) => t.name === "echo")!.active_version_id;
  return { client, sql, echo };
}

/** Creates `count` echo tasks at once and waits until every one is active. */
async function burst({ client, echo }: Awaited<ReturnType<typeof serverWithConcurrency>>, count: number) {
  const tasks = await Promise.all(Array.from({ length: count }, (_, i) => client.createTask({ input: `burst ${i}`, template_version_id: echo })));
  const ids = new Set(tasks.map((t) => t.id));
  await waitFor(`${count} tasks to be active`, async () => {
    const { tasks: listed } = await client.tasks("", { limit: 100 });
    return listed.filter((t) => ids.has(t.id) && t.status === "active").length === count;
  }, 120_000, 200);
}

/** The most start builds that ever ran at the same moment, from their claim and finish times in the database. */
async function mostAtOnce(sql: postgres.Sql): Promise<number> {
  const builds = await sql`SELECT started_at, completed_at FROM workspace_builds WHERE transition = 'start' AND job_status = 'succeeded'`;
  // A finish sorts before a claim at the same instant: one build ending as the next begins is not overlap.
  const events = builds.flatMap((b) => [{ at: +b.started_at, delta: 1 }, { at: +b.completed_at, delta: -1 }]).sort((a, b) => a.at - b.at || a.delta - b.delta);
  let running = 0;
  let most = 0;
  for (const e of events) most = Math.max(most, (running += e.delta));
  return most;
}

describe("builds in parallel", () => {
  it("carries out a burst of 20 creates several at once, never more than its concurrency, and all become active", async () => {
    const stack = await serverWithConcurrency(4);
    await burst(stack, 20);
    const most = await mostAtOnce(stack.sql);
    expect(most).toBeGreaterThanOrEqual(2);
    expect(most).toBeLessThanOrEqual(4);
  }, 180_000);

  it("with a concurrency of 1, carries out one build at a time and still brings every task up", async () => {
    const stack = await serverWithConcurrency(1);
    await burst(stack, 4);
    expect(await mostAtOnce(stack.sql)).toBe(1);
  }, 180_000);
});
