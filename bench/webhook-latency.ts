/**
 * `node --import tsx bench/webhook-latency.ts`: webhook delivery from a committed change to a
 * receiver on this machine, and the outbox through a receiver outage. A real `taskyard server` (its
 * own embedded PostgreSQL, no provisioner, TASKYARD_WEBHOOK_ALLOW_PRIVATE=1 for the loopback
 * receiver, the retry schedule scaled by 0.01 so an outage's retries fit in a minute).
 *
 * 1. Latency: 100 changes one at a time (a task deleted by an UPDATE in autocommit, as any change
 *    commits), each timed from issuing the statement to the signed request's arrival.
 * 2. Outage: the receiver goes away (connection refused) for OUTAGE_S seconds while a change commits
 *    every 200 ms, then comes back: every event must arrive, each once, in commit order.
 * Prints the numbers and writes bench/webhook-results.json.
 */
import fs from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import postgres from "postgres";
import { Webhook } from "standardwebhooks";
import { TaskyardClient } from "../lib/sdk/client";
import { startServer, tempDataDir } from "../tests/support/stack";
import { databaseUrlOf } from "../tests/support/stack-db";

const EVENTS = Number(process.env.BENCH_WEBHOOK_EVENTS ?? 100);
const OUTAGE_S = Number(process.env.BENCH_WEBHOOK_OUTAGE_S ?? 10);
const SCALE = 0.01;

type Arrival = { id: string; taskId: string; at: number };

function receiver(port = 0) {
  const arrivals: Arrival[] = [];
  const waiters = new Map<string, (a: Arrival) => void>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const at = performance.now();
      const body = Buffer.concat(chunks).toString("utf8");
      const arrival = { id: String(req.headers["webhook-id"]), taskId: JSON.parse(body).data.id as string, at };
      // A real receiver verifies before it trusts: the cost is in the numbers.
      if (req.url === "/hook") new Webhook(receiverState.secret).verify(body, req.headers as Record<string, string>);
      arrivals.push(arrival);
      waiters.get(arrival.taskId)?.(arrival);
      res.writeHead(200).end();
    });
  });
  const receiverState = { secret: "" };
  return {
    arrivals,
    state: receiverState,
    waitFor: (taskId: string) => new Promise<Arrival>((resolve) => waiters.set(taskId, resolve)),
    listen: () => new Promise<number>((resolve) => server.listen(port, "127.0.0.1", () => resolve((port = (server.address() as AddressInfo).port)))),
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

async function main() {
  const dataDir = await tempDataDir();
  const { baseUrl, proc } = await startServer({ dataDir, args: ["--no-provisioner"], env: { TASKYARD_WEBHOOK_ALLOW_PRIVATE: "1", TASKYARD_WEBHOOK_RETRY_SCALE: String(SCALE), TASKYARD_MAX_TASKS_PER_USER: "1000", LOG_LEVEL: "warn" } });
  const sql = postgres(await databaseUrlOf(dataDir), { max: 1, onnotice: () => {} });
  const r = receiver();
  try {
    const port = await r.listen();
    const { session_token } = await new TaskyardClient({ baseUrl }).login("admin@example.com", "admin-password");
    const client = new TaskyardClient({ baseUrl, token: session_token });
    const version = (await client.templates()).find((t) => t.name === "echo")!.active_version_id;
    const total = EVENTS + Math.ceil((OUTAGE_S * 1000) / 200) + 10;
    const tasks: string[] = [];
    for (let i = 0; i < total; i++) tasks.push((await client.createTask({ input: `Bench ${i}`, template_version_id: version })).id);
    const hook = await client.createWebhook({ url: `http://127.0.0.1:${port}/hook`, events: ["task.deleted"] });
    r.state.secret = hook.secret;

    // 1. Latency, one change at a time.
    const latencies: number[] = [];
    for (let i = 0; i < EVENTS; i++) {
      const arrived = r.waitFor(tasks[i]);
      const t0 = performance.now();
      await sql`UPDATE tasks SET deleted_at = now() WHERE id = ${tasks[i]}`;
      latencies.push((await arrived).at - t0);
    }
    latencies.sort((a, b) => a - b);
    // Baseline, same machine, same moment: the least any outbox could do — a NOTIFY heard by a bare
    // postgres.js listener that POSTs at once (no outbox row, no claim, no rendering, no signature).
    const listener = postgres(await databaseUrlOf(dataDir), { max: 1, onnotice: () => {} });
    await listener.listen("bench_baseline", (taskId) => {
      const body = JSON.stringify({ data: { id: taskId } });
      http.request({ host: "127.0.0.1", port, path: "/baseline", method: "POST", headers: { "content-type": "application/json", "webhook-id": taskId } }, (res) => res.resume()).end(body);
    });
    const baseline: number[] = [];
    for (let i = 0; i < EVENTS; i++) {
      const id = `baseline-${i}`;
      const arrived = r.waitFor(id);
      const t0 = performance.now();
      await sql`SELECT pg_notify('bench_baseline', ${id})`;
      baseline.push((await arrived).at - t0);
    }
    await listener.end({ timeout: 5 });
    r.arrivals.splice(0); // the baseline's are not deliveries
    baseline.sort((a, b) => a - b);
    const latency = {
      events: EVENTS,
      p50_ms: +percentile(latencies, 50).toFixed(1),
      p99_ms: +percentile(latencies, 99).toFixed(1),
      max_ms: +latencies.at(-1)!.toFixed(1),
      baseline_p50_ms: +percentile(baseline, 50).toFixed(1),
      baseline_p99_ms: +percentile(baseline, 99).toFixed(1),
      load_average: (await fs.readFile("/proc/loadavg", "utf8")).split(" ").slice(0, 3).join(" "),
    };
    console.log(`latency, change committed → receiver, ${EVENTS} events one at a time: p50 ${latency.p50_ms} ms, p99 ${latency.p99_ms} ms, max ${latency.max_ms} ms (baseline NOTIFY → bare POST: p50 ${latency.baseline_p50_ms} ms, p99 ${latency.baseline_p99_ms} ms; load average ${latency.load_average})`);

    // 2. Outage.
    await r.close();
    const outageTasks: string[] = [];
    const down = performance.now();
    let next = EVENTS;
    while (performance.now() - down < OUTAGE_S * 1000) {
      await sql`UPDATE tasks SET deleted_at = now() WHERE id = ${tasks[next]}`;
      outageTasks.push(tasks[next++]);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const before = r.arrivals.length;
    await r.listen();
    const back = performance.now();
    const last = outageTasks.at(-1)!;
    const deadline = Date.now() + 120_000;
    while (!r.arrivals.some((a) => a.taskId === last) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    const drained = performance.now();
    await new Promise((resolve) => setTimeout(resolve, 1000)); // anything sent twice would show now
    const after = r.arrivals.slice(before).map((a) => a.taskId);
    const inOrder = JSON.stringify(after) === JSON.stringify(outageTasks);
    const attempts = await sql<{ attempts: number; n: number }[]>`
      SELECT attempts, count(*)::int AS n FROM webhook_deliveries WHERE endpoint_id = ${hook.id} AND task_id = ANY(${outageTasks}) GROUP BY attempts ORDER BY attempts`;
    const statuses = await sql<{ status: string; n: number }[]>`SELECT status, count(*)::int AS n FROM webhook_deliveries WHERE endpoint_id = ${hook.id} GROUP BY status`;
    const outage = {
      outage_s: OUTAGE_S,
      retry_scale: SCALE,
      events_during_outage: outageTasks.length,
      received_after: after.length,
      in_commit_order_each_once: inOrder,
      drained_s_after_receiver_back: +((drained - back) / 1000).toFixed(2),
      attempts_histogram: Object.fromEntries(attempts.map((a) => [a.attempts, a.n])),
      statuses: Object.fromEntries(statuses.map((s) => [s.status, s.n])),
    };
    console.log(`outage: receiver down ${OUTAGE_S} s (retry schedule ×${SCALE}), ${outageTasks.length} events committed meanwhile → ${after.length} received after it came back, in commit order and each once: ${inOrder}; drained ${outage.drained_s_after_receiver_back} s after it was back; attempts per delivery ${JSON.stringify(outage.attempts_histogram)}; statuses ${JSON.stringify(outage.statuses)}`);
    await fs.writeFile(new URL("./webhook-results.json", import.meta.url), JSON.stringify({ measured_at: new Date().toISOString(), latency, outage }, null, 2) + "\n");
  } finally {
    await r.close().catch(() => {});
    await sql.end({ timeout: 5 });
    await proc.stop();
    await fs.rm(dataDir, { recursive: true, force: true });
  }
}

await main();
