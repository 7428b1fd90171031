import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import postgres from "postgres";
import { TaskyardClient } from "../lib/sdk/client";
import { startFakeAnthropic } from "../tests/support/fake-anthropic";
import { startServer, tempDataDir } from "../tests/support/stack";
import { databaseUrlOf } from "../tests/support/stack-db";
import { median } from "./load";

const FIRST_EVENT_RUNS = 30;
const THROUGHPUT_RUNS = 10;
const BIG_TEXT = "x".repeat(4 * 1024 * 1024);
/** A real provider's time to first token, at its fast end (small models, short prompts): what a user of the gateway waits for anyway. */
const PROVIDER_FIRST_TOKEN_MS = 300;
const PROVIDER_RUNS = 10;

/**
 * The model gateway's cost: time to the first streamed event, and throughput on a 4 MiB streamed
 * answer, through the gateway (auth, forward, metering) as ratios to calling the same local
 * Messages API stand-in directly. A server of its own (with a model key, which the other benches
 * must not have: task names would then come from the model).
 */
export async function gatewayTimings() {
  const api = await startFakeAnthropic((request) => {
    const said = JSON.stringify(request.messages);
    if (said.includes("big")) return { content: [{ type: "text", text: BIG_TEXT }] };
    if (said.includes("provider")) return { content: [{ type: "text", text: "ok" }], firstEventDelayMs: PROVIDER_FIRST_TOKEN_MS };
    return { content: [{ type: "text", text: "ok" }] };
  });
  const dataDir = await tempDataDir();
  const stack = await startServer({ dataDir, env: { LOG_LEVEL: "warn", ANTHROPIC_API_KEY: "sk-bench", ANTHROPIC_BASE_URL: api.url } });
  const sql = postgres(await databaseUrlOf(dataDir), { max: 2, onnotice: () => {} });
  try {
    const { session_token: token } = await new TaskyardClient({ baseUrl: stack.baseUrl }).login("admin@example.com", "admin-password");
    const client = new TaskyardClient({ baseUrl: stack.baseUrl, token });
    const echo = (await client.templates()).find((t) => t.name === "echo")!.active_version_id;
    const task = await client.createTask({ input: "gateway bench", name: "gateway-bench", display_name: "Gateway bench", template_version_id: echo });
    while ((await client.task("me", task.id)).status !== "active") await new Promise((r) => setTimeout(r, 50));
    // A key for the task's agent, as the provisioner makes one (only its hash is stored).
    const key = `tyk-${randomBytes(32).toString("hex")}`;
    await sql`UPDATE workspace_agents SET gateway_key_hash = ${createHash("sha256").update(key).digest("hex")} WHERE workspace_id = ${task.workspace_id!}`;

    const body = (content: string) =>
      JSON.stringify({ model: "claude-haiku-4-5", max_tokens: 10, stream: true, tools: [{ name: "noop", input_schema: { type: "object" } }], messages: [{ role: "user", content }] });
    const headers = (k: string) => ({ "x-api-key": k, "anthropic-version": "2023-06-01", "content-type": "application/json" });
    const direct = (content: string) => fetch(`${api.url}/v1/messages`, { method: "POST", headers: headers("sk-bench"), body: body(content) });
    const viaGateway = (content: string) => fetch(`${stack.baseUrl}/api/v2/aigateway/anthropic/v1/messages`, { method: "POST", headers: headers(key), body: body(content) });

    const firstEvent = async (call: typeof direct, content = "hi") => {
      const t0 = performance.now();
      const res = await call(content);
      const reader = res.body!.getReader();
      await reader.read();
      const ms = performance.now() - t0;
      while (!(await reader.read()).done);
      return ms;
    };
    const whole = async (call: typeof direct) => {
      const t0 = performance.now();
      const res = await call("big");
      let bytes = 0;
      for (const reader = res.body!.getReader(); ; ) {
        const { done, value } = await reader.read();
        if (done) break;
        bytes += value.length;
      }
      return { ms: performance.now() - t0, bytes };
    };
    const alternate = async <T>(runs: number, measure: (call: typeof direct) => Promise<T>) => {
      const a: T[] = [];
      const b: T[] = [];
      for (let i = 0; i < runs; i++) {
        a.push(await measure(direct));
        b.push(await measure(viaGateway));
      }
      return { direct: a, gateway: b };
    };
    await firstEvent(viaGateway); // warm the route
    const first = await alternate(FIRST_EVENT_RUNS, firstEvent);
    // The floor of any route of this server (Next.js's own cost per request): what the gateway adds is above it.
    const floor: number[] = [];
    for (let i = 0; i < FIRST_EVENT_RUNS; i++) {
      const t0 = performance.now();
      await (await fetch(`${stack.baseUrl}/api/v2/buildinfo`)).text();
      floor.push(performance.now() - t0);
    }
    const big = await alternate(THROUGHPUT_RUNS, whole);
    const provider = await alternate(PROVIDER_RUNS, (call) => firstEvent(call, "like a provider"));
    const mbps = (runs: { ms: number; bytes: number }[]) => median(runs.map((r) => r.bytes / 1e6 / (r.ms / 1000)));
    const [d, g] = [median(first.direct), median(first.gateway)];
    const [dt, gt] = [mbps(big.direct), mbps(big.gateway)];
    return [
      { name: `model gateway: time to first streamed event (median of ${FIRST_EVENT_RUNS})`, result: `${g.toFixed(1)} ms`, baseline: `the stand-in directly ${d.toFixed(1)} ms`, ratio: `${(g / d).toFixed(2)}×` },
      {
        name: "model gateway: first event less the stand-in's own time, against a trivial route of the same server",
        result: `${(g - d).toFixed(1)} ms`,
        baseline: `GET /api/v2/buildinfo ${median(floor).toFixed(1)} ms`,
        ratio: `${((g - d) / median(floor)).toFixed(2)}×`,
      },
      {
        name: `model gateway: time to first streamed event, the stand-in answering after ${PROVIDER_FIRST_TOKEN_MS} ms like a provider (median of ${PROVIDER_RUNS})`,
        result: `${median(provider.gateway).toFixed(1)} ms`,
        baseline: `the stand-in directly ${median(provider.direct).toFixed(1)} ms`,
        ratio: `${(median(provider.gateway) / median(provider.direct)).toFixed(2)}×`,
      },
      { name: `model gateway: throughput of a 4 MiB streamed answer (median of ${THROUGHPUT_RUNS})`, result: `${gt.toFixed(0)} MB/s`, baseline: `the stand-in directly ${dt.toFixed(0)} MB/s`, ratio: `${(gt / dt).toFixed(2)}×` },
    ];
  } finally {
    await sql.end();
    await stack.proc.stop();
    await api.close();
    await fs.rm(dataDir, { recursive: true, force: true });
  }
}
