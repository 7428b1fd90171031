import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { EventSourceParserStream, type EventSourceMessage } from "eventsource-parser/stream";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TaskyardClient } from "../../lib/sdk/client";
import { TaskFixture } from "../support/db";
import { startExtraServer, type ExtraServer } from "../support/extra-server";

/**
 * Two real `taskyard server --no-provisioner` processes on one database (README: "Several web
 * servers"): whatever one of them is told, the other acts on — push feeds, callers, the sign-in
 * throttle, stream places, first-run setup — and no build runs until a provisioner does.
 */
const MAX_STREAMS = 3;
const shared = {
  TASKYARD_SECRET_KEY: randomBytes(32).toString("base64"),
  TASKYARD_MAX_STREAMS_PER_USER: String(MAX_STREAMS),
  TASKYARD_AUTO_PAUSE_SWEEP_MS: "200",
};
let one: ExtraServer;
let two: ExtraServer;
let db: postgres.Sql;

type Sse = { events: EventSourceMessage[]; status: number; close: () => void; next: (match: (e: EventSourceMessage) => boolean, ms?: number) => Promise<EventSourceMessage> };

/** A live server-sent event stream; `next` waits for the first event (from now on) that matches. */
async function openSse(url: string, token: string): Promise<Sse> {
  const abort = new AbortController();
  const res = await fetch(url, { headers: { "Coder-Session-Token": token }, signal: abort.signal });
  const events: EventSourceMessage[] = [];
  const waiters = new Set<(e: EventSourceMessage) => void>();
  if (res.ok && res.body) {
    void (async () => {
      const reader = res.body!.pipeThrough(new TextDecoderStream()).pipeThrough(new EventSourceParserStream()).getReader();
      for (;;) {
        const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
        if (done) return;
        events.push(value!);
        for (const w of waiters) w(value!);
      }
    })();
  } else await res.body?.cancel();
  return {
    events,
    status: res.status,
    close: () => abort.abort(),
    next: (match, ms = 10_000) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error("no matching event in time"));
        }, ms);
        const waiter = (e: EventSourceMessage) => {
          if (!match(e)) return;
          clearTimeout(timer);
          waiters.delete(waiter);
          resolve(e);
        };
        waiters.add(waiter);
      }),
  };
}

const status = (p: Promise<unknown>) =>
  p.then(
    () => 200,
    (e: { status?: number }) => e.status ?? 0,
  );

beforeAll(async () => {
  one = await startExtraServer(shared, undefined, { args: ["--no-provisioner"] });
  two = await startExtraServer(shared, undefined, { args: ["--no-provisioner"], databaseUrl: one.databaseUrl });
  db = postgres(one.databaseUrl, { max: 2, onnotice: () => {} });
}, 120_000);

afterAll(async () => {
  await db?.end({ timeout: 5 });
  await two?.stop();
  await one?.stop();
});

describe("two web servers on one database", () => {
  let owner1: TaskyardClient;
  let owner2: TaskyardClient;
  let ownerToken: string;
  let version: string;

  it("first-run setup: both servers ask for the same setup code, and two setups racing through both make exactly one owner", async () => {
    const printed = (s: ExtraServer) => /setup\?code=([\w-]+)/.exec(s.output())?.[1];
    // Printed once the web server answers, a moment after the health check the start waited for.
    const code = async (s: ExtraServer) => {
      for (let i = 0; i < 100 && !printed(s); i++) await new Promise((r) => setTimeout(r, 50));
      return printed(s);
    };
    expect(await code(one)).toBeTruthy();
    expect(await code(two)).toBe(await code(one));
    const [a, b] = await Promise.allSettled([
      new TaskyardClient({ baseUrl: one.baseUrl }).createFirstUser({ email: "first@example.com", username: "first", password: "first-password" }),
      new TaskyardClient({ baseUrl: two.baseUrl }).createFirstUser({ email: "second@example.com", username: "second", password: "second-password" }),
    ]);
    expect([a.status, b.status].sort()).toEqual(["fulfilled", "rejected"]);
    const rejected = (a.status === "rejected" ? a : b) as PromiseRejectedResult;
    expect((rejected.reason as { status: number }).status).toBe(409);
    expect(await db`SELECT role FROM users`).toEqual([{ role: "owner" }]);
    // Both servers' setup pages now say the same: there is an owner.
    for (const s of [one, two]) expect(await new TaskyardClient({ baseUrl: s.baseUrl }).hasFirstUser()).toBe(true);

    const winner = a.status === "fulfilled" ? { email: "first@example.com", password: "first-password" } : { email: "second@example.com", password: "second-password" };
    ownerToken = (await new TaskyardClient({ baseUrl: one.baseUrl }).login(winner.email, winner.password)).session_token;
    owner1 = new TaskyardClient({ baseUrl: one.baseUrl, token: ownerToken });
    owner2 = new TaskyardClient({ baseUrl: two.baseUrl, token: ownerToken });
    version = (await owner1.templates()).find((t) => t.name === "echo")!.active_version_id;
  });

  it("a change made through server 1 reaches server 2's task-events and log streams within 1 s", async () => {
    const task = await owner1.createTask({ input: "followed from afar", template_version_id: version });
    const feed = await openSse(`${two.baseUrl}/api/v2/task-events`, ownerToken);
    const logs = await openSse(owner2.logStreamUrl("me", task.id), ownerToken);
    try {
      expect([feed.status, logs.status]).toEqual([200, 200]);
      await logs.next((e) => e.event === "task");
      const timings: number[] = [];
      for (let i = 0; i < 5; i++) {
        const prompt = `edited through server 1, #${i}`;
        const announced = feed.next((e) => e.event === "task" && (JSON.parse(e.data) as { id: string }).id === task.id);
        const streamed = logs.next((e) => e.event === "task" && (JSON.parse(e.data) as { initial_prompt: string }).initial_prompt === prompt);
        const started = performance.now();
        await owner1.updatePrompt("me", task.id, prompt);
        const [feedAt, logAt] = await Promise.all([announced, streamed].map((p) => p.then(() => performance.now() - started)));
        timings.push(Math.max(feedAt, logAt));
      }
      console.log(`server 1 → server 2 push latency (ms, write included): ${timings.map((t) => t.toFixed(1)).join(", ")}`);
      expect(Math.max(...timings)).toBeLessThan(1000);
    } finally {
      feed.close();
      logs.close();
    }
  });

  it("a task deleted through server 1 is gone from server 2's list on the very next request", async () => {
    const task = await owner1.createTask({ input: "to be deleted", template_version_id: version });
    for (let i = 0; i < 3; i++) expect((await owner2.tasks()).tasks.map((t) => t.id)).toContain(task.id);
    await owner1.deleteTask("me", task.id);
    expect((await owner2.tasks()).tasks.map((t) => t.id)).not.toContain(task.id);
  });

  it("a key revoked through server 1 is refused by server 2 on the very next request (20 times over, its caller cached each time)", async () => {
    for (let i = 0; i < 20; i++) {
      const key = await owner1.createApiKey("me", { token_name: `revoked-${i}` });
      const client2 = new TaskyardClient({ baseUrl: two.baseUrl, token: key.key });
      for (let j = 0; j < 3; j++) await client2.me(); // remembered by server 2's caller cache
      await owner1.revokeApiKey(key.key.split("-")[0]);
      expect(await status(client2.me())).toBe(401);
    }
  });

  it("a user suspended through server 1 is refused by server 2 at once; a role change is seen at once", async () => {
    const made = await owner1.createUser({ email: "member@example.com", username: "member", password: "member-password" });
    const member2 = new TaskyardClient({ baseUrl: two.baseUrl, token: (await new TaskyardClient({ baseUrl: one.baseUrl }).login("member@example.com", "member-password")).session_token });
    for (let j = 0; j < 3; j++) expect(await status(member2.users())).toBe(403);
    await owner1.setUserRole(made.id, "admin");
    expect(await status(member2.users())).toBe(200);
    await owner1.setUserRole(made.id, "member");
    expect(await status(member2.users())).toBe(403);
    for (let j = 0; j < 3; j++) await member2.me();
    const memberKey = new TaskyardClient({ baseUrl: two.baseUrl, token: (await member2.createApiKey("me", { token_name: "cli" })).key });
    for (let j = 0; j < 3; j++) await memberKey.me();
    await owner1.suspendUser(made.id);
    expect(await status(member2.me())).toBe(401);
    expect(await status(memberKey.me())).toBe(401);
    await owner1.activateUser(made.id);
    // Suspension ended the member's sessions; their API key works again at once.
    expect(await status(memberKey.me())).toBe(200);
    expect(await status(member2.me())).toBe(401);
  });

  it("sign-in failures split across both servers are counted as one: the 11th try from the address is refused by either", async () => {
    await owner1.createUser({ email: "target@example.com", username: "target", password: "target-password" });
    const anon = [new TaskyardClient({ baseUrl: one.baseUrl }), new TaskyardClient({ baseUrl: two.baseUrl })];
    for (let i = 0; i < 10; i++) expect(await status(anon[i % 2].login("target@example.com", `wrong-${i}`))).toBe(401);
    // Ten failures, five on each: one server alone would still let this through.
    expect(await status(anon[0].login("target@example.com", "target-password"))).toBe(429);
    expect(await status(anon[1].login("target@example.com", "target-password"))).toBe(429);
    const [{ n }] = await db`SELECT count(*)::int AS n FROM login_failures WHERE account = 'target@example.com' AND NOT pending`;
    expect(n).toBe(10);
  }, 120_000); // each failure from the 3rd on slows the account's next try (up to 2 s), and each is a real password hash

  it("parallel guesses through both servers at once cannot slip past the limit", async () => {
    await owner1.createUser({ email: "burst@example.com", username: "burst", password: "burst-password" });
    const anon = [new TaskyardClient({ baseUrl: one.baseUrl }), new TaskyardClient({ baseUrl: two.baseUrl })];
    const results = await Promise.all(Array.from({ length: 16 }, (_, i) => status(anon[i % 2].login("burst@example.com", `guess-${i}`))));
    // At most 10 were checked (401); the rest were refused before any hashing.
    expect(results.filter((s) => s === 401).length).toBeLessThanOrEqual(10);
    expect(results.filter((s) => s === 429).length).toBeGreaterThanOrEqual(6);
   }, 120_000);

  it("a user's stream limit holds across both servers, and a closed stream gives its place back", async () => {
    const task = await owner1.createTask({ input: "streamed", template_version_id: version });
    const open = [
      await openSse(`${one.baseUrl}/api/v2/task-events`, ownerToken),
      await openSse(owner2.logStreamUrl("me", task.id), ownerToken),
      await openSse(`${two.baseUrl}/api/v2/task-events`, ownerToken),
    ];
    try {
      expect(open.map((s) => s.status)).toEqual([200, 200, 200]);
      const over1 = await openSse(`${one.baseUrl}/api/v2/task-events`, ownerToken);
      const over2 = await openSse(owner2.logStreamUrl("me", task.id), ownerToken);
      expect([over1.status, over2.status]).toEqual([429, 429]);
      open.shift()!.close(); // one of server 1's
      const deadline = Date.now() + 5000;
      let again: Sse;
      for (;;) {
        again = await openSse(`${two.baseUrl}/api/v2/task-events`, ownerToken);
        if (again.status === 200 || Date.now() > deadline) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(again.status).toBe(200);
      open.push(again);
    } finally {
      for (const s of open) s.close();
    }
  });

  it("a place held by a server that stopped renewing it (died) expires instead of leaking", async () => {
    const [owner] = await db`SELECT id FROM users WHERE role = 'owner'`;
    // What a server killed with -9 leaves behind: its places, no longer renewed.
    await db`INSERT INTO stream_slots (user_id, expires_at) SELECT ${owner.id}, now() + interval '1 hour' FROM generate_series(1, ${MAX_STREAMS})`;
    const blocked = await openSse(`${two.baseUrl}/api/v2/task-events`, ownerToken);
    expect(blocked.status).toBe(429);
    await db`UPDATE stream_slots SET expires_at = now() - interval '1 second' WHERE user_id = ${owner.id}`;
    const freed = await openSse(`${two.baseUrl}/api/v2/task-events`, ownerToken);
    try {
      expect(freed.status).toBe(200);
    } finally {
      freed.close();
    }
  });

  it("--no-provisioner: a task stays pending with no provisioner, and is built once one starts", async () => {
    const task = await owner2.createTask({ input: "waiting for a provisioner", template_version_id: version });
    await new Promise((r) => setTimeout(r, 3000));
    expect((await owner1.task("me", task.id)).status).toBe("pending");
    expect(await db`SELECT job_status FROM workspace_builds WHERE workspace_id = ${task.workspace_id}`).toEqual([{ job_status: "pending" }]);

    const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "taskyard-provisioner-"));
    const provisioner = spawn(process.execPath, ["bin/taskyard.mjs", "provisioner", "--url", one.baseUrl], {
      cwd: path.resolve(import.meta.dirname, "../.."),
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, ...shared, DATABASE_URL: one.databaseUrl, TASKYARD_DATA_DIR: dataDir, LOG_LEVEL: "warn", ANTHROPIC_API_KEY: "" },
    });
    try {
      const deadline = Date.now() + 30_000;
      let job = "pending";
      while (job === "pending" && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 200));
        [{ job_status: job }] = await db`SELECT job_status FROM workspace_builds WHERE workspace_id = ${task.workspace_id}`;
      }
      expect(job).not.toBe("pending");
    } finally {
      const exited = new Promise((r) => provisioner.once("exit", r));
      provisioner.kill("SIGTERM");
      await exited;
      await fs.rm(dataDir, { recursive: true, force: true });
    }
  }, 60_000);

  it("--no-provisioner web servers still pause idle tasks: both sweep, and the idle task gets exactly one stop build", async () => {
    const task = await owner1.createTask({ input: "idle soon", template_version_id: version });
    await db`UPDATE tasks SET parameters = ${db.json([{ name: "auto_pause_after_idle", value: "1" }])} WHERE id = ${task.id}`;
    const fixture = await TaskFixture.of(db, task.id);
    const { agentId, appId } = await fixture.running();
    await fixture.addStatus(agentId, appId!, "idle", "waiting for input", new Date());
    const stops = () => db`SELECT reason FROM workspace_builds WHERE workspace_id = ${fixture.workspaceId} AND transition = 'stop'`;
    const deadline = Date.now() + 15_000;
    while ((await stops()).length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    // Both servers keep sweeping every 200 ms: a second stop would show up by now.
    await new Promise((r) => setTimeout(r, 1500));
    expect(await stops()).toEqual([{ reason: "autostop" }]);
  }, 30_000);
});
