/**
 * `npm run bench`: Taskyard's hot paths against baselines measured in the same run on the same
 * machine (absolute numbers are noise here; ratios are the result). Prints a table and writes
 * bench/results.json.
 */
import { spawn } from "node:child_process";
import fs from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import postgres from "postgres";
import { TaskyardClient, type Task } from "../lib/sdk/client";
import { startServer, taskyard, tempDataDir } from "../tests/support/stack";
import { databaseUrlOf } from "../tests/support/stack-db";
import { burstOfBareNodes, burstOfCreates, idleAgentMemory } from "./agents";
import { load, median, type LoadResult } from "./load";
import { gatewayTimings } from "./gateway";
import { pushTimings } from "./pushes";

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 1500);
const CONCURRENCY = 16;
const rows: { name: string; result: string; baseline: string; ratio: string }[] = [];
const fmt = (r: LoadResult) => `${r.rps.toFixed(0)} req/s, p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms`;

async function until<T>(probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const v = await probe();
    if (v) return v;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error("timed out");
}

/**
 * Answers are kept while the database is unchanged (lib/db/snapshot-cache.ts), so the same URL again
 * measures the cache. To measure the query, each request asks for another page: `pages` distinct
 * offsets in turn, more than the cache holds, so every request misses.
 */
function offsetsInTurn(pages: number) {
  let i = 0;
  return () => i++ % pages;
}

async function baselineServer(handler: http.RequestListener) {
  const server = http.createServer(handler);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => server.close() };
}

/**
 * The list with 10,000 tasks over 100 users (the admin's ~1,000 from above and 99 members with 91
 * each), one request at a time: the default page (100) for the admin, who sees every task, and for a
 * member, who sees their own. Baseline: node:http + postgres.js doing the token lookup and the plain
 * page of the same rows (the same filter and order), also one at a time.
 */
export async function listAtScale(sql: postgres.Sql, admin: TaskyardClient, version: string, owner: { id: string; organization_id: string }) {
  const [tpl] = await sql`SELECT template_id FROM template_versions WHERE id = ${version}`;
  // One member signs in through the API; the other 98 only need rows.
  const password = "bench-member-password";
  const member = await admin.createUser({ email: "bench-member@example.com", username: "bench-member", password });
  const { session_token: memberToken } = await new TaskyardClient({ baseUrl: admin.baseUrl }).login("bench-member@example.com", password);
  await sql`
    WITH u AS (
      INSERT INTO users (email, username, password_hash)
      SELECT 'bench-' || g || '@example.com', 'bench-' || g, 'not-a-hash' FROM generate_series(1, 98) g RETURNING id)
    INSERT INTO organization_members (organization_id, user_id) SELECT ${owner.organization_id}, id FROM u`;
  await sql`
    WITH o AS (SELECT id FROM users WHERE username LIKE 'bench-%'),
    w AS (
      INSERT INTO workspaces (organization_id, owner_id, template_id, name)
      SELECT ${owner.organization_id}, o.id, ${tpl.template_id}, 'scale-' || g FROM o, generate_series(1, 91) g RETURNING id, owner_id, name),
    b AS (INSERT INTO workspace_builds (workspace_id, build_number, transition, template_version_id, job_status)
          SELECT id, 1, 'stop', ${version}, 'succeeded' FROM w)
    INSERT INTO tasks (organization_id, owner_id, name, display_name, prompt, template_version_id, workspace_id)
    SELECT ${owner.organization_id}, w.owner_id, w.name, 'Scale ' || w.name, 'Scale prompt ' || w.name, ${version}, w.id FROM w`;
  // As autovacuum would have by the time a server holds this many tasks (statistics, visibility map).
  await sql`VACUUM ANALYZE`;
  const [{ tasks, users }] = await sql`SELECT (SELECT count(*)::int FROM tasks WHERE deleted_at IS NULL) AS tasks, (SELECT count(*)::int FROM users) AS users`;

  const out: { name: string; result: string; baseline: string; ratio: string }[] = [];
  for (const [who, token, ownerId] of [["admin", admin.token!, undefined], ["member", memberToken, member.id]] as const) {
    const [keyId] = token.split("-");
    const baseline = await baselineServer(async (req, res) => {
      const offset = Number(new URL(req.url!, "http://x").searchParams.get("offset"));
      await sql`SELECT k.hashed_secret, u.id FROM api_keys k JOIN users u ON u.id = k.user_id WHERE k.id = ${keyId}`;
      const page = ownerId
        ? await sql`SELECT * FROM tasks WHERE deleted_at IS NULL AND owner_id = ${ownerId} ORDER BY created_at DESC, id DESC LIMIT 100 OFFSET ${offset}`
        : await sql`SELECT * FROM tasks WHERE deleted_at IS NULL ORDER BY created_at DESC, id DESC LIMIT 100 OFFSET ${offset}`;
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ tasks: page }));
    });
    // A member's 91 tasks fill 91 pages at offsets 0..90 (of 1 to 91 rows): 80 of them cycle past the cache.
    const pages = ownerId ? 80 : 200;
    const get = (url: string, offset = offsetsInTurn(pages)) => () => fetch(`${url}?offset=${offset()}`, { headers: { "Coder-Session-Token": token } }).then((r) => r.arrayBuffer());
    await load(50, 1, get(`${admin.baseUrl}/api/v2/tasks`)); // warm up
    const raw = await load(300, 1, get(baseline.url));
    const ours = await load(300, 1, get(`${admin.baseUrl}/api/v2/tasks`));
    baseline.close();
    out.push({
      name: `list at ${(tasks / 1000).toFixed(0)}k tasks / ${users} users, ${who}, uncached pages (target p50 < 20 ms)`,
      result: fmt(ours),
      baseline: `node:http+postgres.js: ${fmt(raw)}`,
      ratio: `${(ours.p50 / raw.p50).toFixed(2)}× p50 latency`,
    });
  }
  return out;
}

async function main() {
  const dataDir = await tempDataDir();
  // Builds run only while we want them to: API benchmarks must not spawn an agent per created task.
  // One user owns the 1,000 seeded tasks and the created ones: far past the default per-user limit.
  const stack = await startServer({ dataDir, env: { LOG_LEVEL: "warn", TASKYARD_MAX_TASKS_PER_USER: "100000" }, args: ["--no-provisioner"] });
  const startProvisioner = async () => {
    const p = taskyard(["provisioner"], { DATABASE_URL: await databaseUrlOf(dataDir), TASKYARD_DATA_DIR: dataDir, TASKYARD_ACCESS_URL: stack.baseUrl, LOG_LEVEL: "warn" });
    await until(async () => (p.output().includes("waiting for builds") ? true : undefined));
    return p;
  };
  const anon = new TaskyardClient({ baseUrl: stack.baseUrl });
  const { session_token: token } = await anon.login("admin@example.com", "admin-password");
  const client = new TaskyardClient({ baseUrl: stack.baseUrl, token });
  const version = (await client.templates()).find((t) => t.name === "echo")!.active_version_id;
  const sql = postgres(await databaseUrlOf(dataDir), { max: 4, onnotice: () => {} });

  let provisioner = await startProvisioner();
  try {
    // --- Lifecycle latencies with real agents (median of several).
    const creates: number[] = [];
    const pauses: number[] = [];
    const resumes: number[] = [];
    const spawns: number[] = [];
    for (let i = 0; i < 7; i++) {
      const t0 = performance.now();
      await new Promise((r) => spawn(process.execPath, ["-e", ""]).once("exit", r));
      spawns.push(performance.now() - t0);

      let start = performance.now();
      const task = await client.createTask({ input: `bench ${i}`, template_version_id: version });
      await until(async () => ((await client.task("me", task.id)).status === "active" ? true : undefined));
      creates.push(performance.now() - start);
      await until(async () => ((await client.task("me", task.id)).current_state?.state === "idle" ? true : undefined));

      start = performance.now();
      await client.pause("me", task.id);
      await until(async () => ((await client.task("me", task.id)).status === "paused" ? true : undefined));
      pauses.push(performance.now() - start);

      start = performance.now();
      await client.resume("me", task.id);
      await until(async () => ((await client.task("me", task.id)).status === "active" ? true : undefined));
      resumes.push(performance.now() - start);
      await client.deleteTask("me", task.id);
    }
    const spawnMs = median(spawns);
    for (const [name, values, limit] of [["create → active", creates, 1500], ["pause → paused", pauses, 1000], ["resume → active", resumes, 1500]] as const) {
      const m = median(values);
      rows.push({ name: `${name} (median of ${values.length}, target < ${limit} ms)`, result: `${m.toFixed(0)} ms`, baseline: `bare \`node -e ''\` spawn ${spawnMs.toFixed(0)} ms`, ratio: `${(m / spawnMs).toFixed(1)}×` });
    }
    rows.push(await burstOfCreates(client, sql, version, 20, median(creates)));
    rows.push(await burstOfBareNodes(20, median(creates)));
    rows.push(await idleAgentMemory(client, sql, version));
    rows.push(...(await pushTimings(client, version)));
    rows.push(...(await gatewayTimings()));

    await provisioner.stop();

    // --- Seed 1,000 tasks (one INSERT each for task, workspace and build, in SQL: fast).
    const [owner] = await sql`SELECT id, organization_id FROM users u JOIN organization_members m ON m.user_id = u.id LIMIT 1`;
    const [tpl] = await sql`SELECT template_id FROM template_versions WHERE id = ${version}`;
    await sql`
      WITH w AS (
        INSERT INTO workspaces (organization_id, owner_id, template_id, name)
        SELECT ${owner.organization_id}, ${owner.id}, ${tpl.template_id}, 'seed-' || g FROM generate_series(1, 1000) g RETURNING id, name),
      b AS (INSERT INTO workspace_builds (workspace_id, build_number, transition, template_version_id, job_status)
            SELECT id, 1, 'stop', ${version}, 'succeeded' FROM w)
      INSERT INTO tasks (organization_id, owner_id, name, display_name, prompt, template_version_id, workspace_id)
      SELECT ${owner.organization_id}, ${owner.id}, w.name, 'Seeded ' || w.name, 'Seeded prompt ' || w.name, ${version}, w.id FROM w`;

    // --- Baselines: bare node:http with the same 50-task list from memory, and bare node:http +
    //     postgres.js doing the token lookup and a plain 50-row query.
    const page = await client.tasks("", { limit: 50 });
    const body = JSON.stringify(page);
    const memory = await baselineServer((_req, res) => res.writeHead(200, { "content-type": "application/json" }).end(body));
    const [keyId] = token.split("-");
    const dbBaseline = await baselineServer(async (req, res) => {
      const offset = Number(new URL(req.url!, "http://x").searchParams.get("offset"));
      await sql`SELECT k.hashed_secret, u.id FROM api_keys k JOIN users u ON u.id = k.user_id WHERE k.id = ${keyId}`;
      const tasks = await sql`SELECT * FROM tasks WHERE deleted_at IS NULL ORDER BY created_at DESC LIMIT 50 OFFSET ${offset}`;
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ tasks }));
    });
    const auth = { headers: { "Coder-Session-Token": token } };
    const get = (url: string) => () => fetch(url, auth).then((r) => r.arrayBuffer());

    await load(200, CONCURRENCY, get(`${stack.baseUrl}/api/v2/tasks?limit=50`)); // warm up
    const memoryResult = await load(REQUESTS, CONCURRENCY, get(memory.url));
    const dbResult = await load(REQUESTS, CONCURRENCY, get(dbBaseline.url));
    const listResult = await load(REQUESTS, CONCURRENCY, get(`${stack.baseUrl}/api/v2/tasks?limit=50`));
    rows.push({ name: "task list, 50 of 1,000 tasks (unchanged: kept per snapshot)", result: fmt(listResult), baseline: `node:http+postgres.js: ${fmt(dbResult)}`, ratio: `${(listResult.rps / dbResult.rps).toFixed(2)}× throughput` });
    rows.push({ name: "  p99", result: "", baseline: "", ratio: `${(listResult.p99 / dbResult.p99).toFixed(2)}× raw p99` });
    // Every request a cache miss: both sides walk the same 200 pages in turn (deeper pages cost a little more).
    const pagesInTurn = (url: string, offset = offsetsInTurn(200)) => () => fetch(`${url}?limit=50&offset=${offset()}`, auth).then((r) => r.arrayBuffer());
    const dbPages = await load(REQUESTS, CONCURRENCY, pagesInTurn(dbBaseline.url));
    const listPages = await load(REQUESTS, CONCURRENCY, pagesInTurn(`${stack.baseUrl}/api/v2/tasks`));
    rows.push({ name: "  uncached: each request another page", result: fmt(listPages), baseline: `node:http+postgres.js: ${fmt(dbPages)}`, ratio: `${(listPages.rps / dbPages.rps).toFixed(2)}× throughput` });
    rows.push({ name: "  (vs. list from memory)", result: "", baseline: `node:http: ${fmt(memoryResult)}`, ratio: `${(listResult.rps / memoryResult.rps).toFixed(2)}× throughput` });
    // What any authenticated route costs here before it does its own work: the ceiling of the ratio above.
    const meResult = await load(REQUESTS, CONCURRENCY, get(`${stack.baseUrl}/api/v2/users/me`));
    rows.push({ name: "  (floor: GET /users/me, auth + 1 small query)", result: fmt(meResult), baseline: `node:http+postgres.js: ${fmt(dbResult)}`, ratio: `${(meResult.rps / dbResult.rps).toFixed(2)}× throughput` });

    const one = page.tasks[0] as Task;
    const getResult = await load(REQUESTS, CONCURRENCY, get(`${stack.baseUrl}/api/v2/tasks/me/${one.id}`));
    rows.push({ name: "task get", result: fmt(getResult), baseline: `node:http+postgres.js: ${fmt(dbResult)}`, ratio: `${(getResult.rps / dbResult.rps).toFixed(2)}× throughput` });

    const createResult = await load(Math.min(300, REQUESTS), 4, () =>
      fetch(`${stack.baseUrl}/api/v2/tasks/me`, {
        method: "POST",
        headers: { ...auth.headers, "content-type": "application/json" },
        body: JSON.stringify({ input: "Benchmark create", template_version_id: version, name: `b${Math.random().toString(36).slice(2, 12)}` }),
      }).then((r) => r.arrayBuffer()),
    );
    rows.push({ name: "task create (API only, 4 concurrent)", result: fmt(createResult), baseline: `node:http+postgres.js: ${fmt(dbResult)}`, ratio: `${(createResult.rps / dbResult.rps).toFixed(2)}× throughput` });
    // Their start builds would each spawn an agent once a provisioner runs: the bench is about the API.
    await sql`UPDATE workspace_builds SET job_status = 'canceled' WHERE job_status = 'pending'`;
    await sql`UPDATE tasks SET deleted_at = now() WHERE prompt = 'Benchmark create'`;
    provisioner = await startProvisioner();

    // --- Logs of an active task with 1,000 messages.
    const chatty = await client.createTask({ input: "warm up", template_version_id: version });
    await until(async () => ((await client.task("me", chatty.id)).current_state?.state === "idle" ? true : undefined));
    const [agent] = await sql`SELECT api_url, api_secret FROM workspace_agents WHERE workspace_id = ${chatty.workspace_id!} ORDER BY created_at DESC LIMIT 1`;
    // The agent's port answers only the server: the bench presents the secret the server would.
    const withSecret = { authorization: `Bearer ${agent.api_secret}` };
    for (let i = 0; i < 499; i++) {
      await until(async () => ((await fetch(`${agent.api_url}/status`, { headers: withSecret }).then((r) => r.json())).status === "stable" ? true : undefined));
      await fetch(`${agent.api_url}/message`, {
        method: "POST",
        headers: { ...withSecret, "content-type": "application/json" },
        body: JSON.stringify({ content: `message ${i}`, type: "user" }),
      });
    }
    await until(async () => ((await client.logs("me", chatty.id)).logs.length >= 1000 ? true : undefined));
    const agentDirect = await load(REQUESTS, CONCURRENCY, () => fetch(`${agent.api_url}/messages`, { headers: withSecret }).then((r) => r.arrayBuffer()));
    const logsResult = await load(REQUESTS, CONCURRENCY, get(`${stack.baseUrl}/api/v2/tasks/me/${chatty.id}/logs`));
    const logsSerial = await load(300, 1, get(`${stack.baseUrl}/api/v2/tasks/me/${chatty.id}/logs`));
    const agentSerial = await load(300, 1, () => fetch(`${agent.api_url}/messages`, { headers: withSecret }).then((r) => r.arrayBuffer()));
    const healthSerial = await load(300, 1, get(`${stack.baseUrl}/healthz`));
    rows.push({ name: "logs, active task with 1,000 messages", result: fmt(logsResult), baseline: `agent /messages direct: ${fmt(agentDirect)}`, ratio: `${(logsResult.rps / agentDirect.rps).toFixed(2)}× throughput` });
    rows.push({ name: "  one at a time (target p99 < 30 ms)", result: fmt(logsSerial), baseline: `agent /messages direct: ${fmt(agentSerial)}`, ratio: `${(logsSerial.p50 / agentSerial.p50).toFixed(2)}× p50 latency` });
    rows.push({ name: "  (Next.js floor: GET /healthz one at a time)", result: "", baseline: fmt(healthSerial), ratio: `${(logsSerial.p50 / healthSerial.p50).toFixed(2)}× p50 latency` });

    rows.push(...(await listAtScale(sql, client, version, owner as unknown as { id: string; organization_id: string })));

    memory.close();
    dbBaseline.close();
  } finally {
    await provisioner.stop();
    await sql.end();
    await stack.proc.stop();
    await fs.rm(dataDir, { recursive: true, force: true });
  }

  const width = (k: keyof (typeof rows)[number]) => Math.max(...rows.map((r) => r[k].length), k.length);
  const line = (r: (typeof rows)[number]) => `${r.name.padEnd(width("name"))}  ${r.result.padEnd(width("result"))}  ${r.ratio.padEnd(width("ratio"))}  ${r.baseline}`;
  console.log(`\n${line({ name: "benchmark", result: "taskyard", ratio: "ratio", baseline: "baseline (same run)" })}`);
  rows.forEach((r) => console.log(line(r)));
  await fs.writeFile(new URL("./results.json", import.meta.url), JSON.stringify({ at: new Date().toISOString(), rows }, null, 2));
}

if (process.argv[1]?.endsWith("run.ts")) await main();
