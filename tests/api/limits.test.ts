import net from "node:net";
import { beforeAll, describe, expect, it } from "vitest";
import { baseUrl, createTestUser, echoTemplateVersion, raw, type TestUser } from "../support/api";
import { testSql } from "../support/db";
import { expectError, expectValidation } from "../support/expect";
import { rawHttp } from "../support/http";

/** The defaults (README, Environment): the API test server sets none of these. */
const MAX_PROMPT_BYTES = 32 * 1024;
const MAX_TASKS = 100;
const MAX_STREAMS = 20;
const DEFAULT_PAGE = 100;

const sql = testSql();
let version: string;

beforeAll(async () => {
  version = await echoTemplateVersion();
});

/** `n` tasks for `user` straight into the table (pending, as nothing builds them): what the limits count. */
async function insertTasks(user: TestUser, n: number, prefix = "bulk") {
  await sql`
    INSERT INTO tasks (organization_id, owner_id, name, display_name, prompt, template_version_id, created_at)
    SELECT (SELECT id FROM organizations WHERE is_default), ${user.id}, ${prefix} || '-' || i, 'Bulk ' || i, 'bulk prompt', ${version},
           now() - make_interval(secs => i)
    FROM generate_series(1, ${n}) AS i`;
}

describe("prompt length", () => {
  let alice: TestUser;
  let task: { id: string; name: string };
  beforeAll(async () => {
    alice = await createTestUser();
    task = (await raw("POST", "/api/v2/tasks/me", { token: alice.token, body: { input: "short", template_version_id: version, name: "prompt-limit" } })).body;
  });

  it(`is at most ${MAX_PROMPT_BYTES} bytes of UTF-8 when creating a task, editing its prompt or input, and sending input`, async () => {
    const exact = "x".repeat(MAX_PROMPT_BYTES);
    const over = "x".repeat(MAX_PROMPT_BYTES + 1);
    // Three bytes each in UTF-8: fewer characters than the limit, more bytes.
    const overInBytes = "€".repeat(Math.floor(MAX_PROMPT_BYTES / 3) + 1);
    for (const [method, path, field] of [
      ["POST", "/api/v2/tasks/me", "input"],
      ["PATCH", `/api/v2/tasks/me/${task.id}/prompt`, "prompt"],
      ["PATCH", `/api/v2/tasks/me/${task.id}/input`, "input"],
      ["POST", `/api/v2/tasks/me/${task.id}/send`, "input"],
      ["POST", "/api/experimental/tasks/me", "input"],
    ] as const) {
      for (const text of [over, overInBytes]) {
        const res = await raw(method, path, { token: alice.token, body: { [field]: text, template_version_id: version } });
        expectValidation(res, field);
        expect(res.body.validations.find((v: { field: string }) => v.field === field).detail).toBe(`must be at most ${MAX_PROMPT_BYTES} bytes`);
      }
    }
    const created = await raw("POST", "/api/v2/tasks/me", { token: alice.token, body: { input: exact, template_version_id: version } });
    expect(created.status).toBe(201);
    expect((await raw("PATCH", `/api/v2/tasks/me/${task.id}/prompt`, { token: alice.token, body: { prompt: exact } })).status).toBe(204);
    expect((await sql`SELECT length(prompt)::int AS n FROM tasks WHERE id = ${task.id}`)[0].n).toBe(MAX_PROMPT_BYTES);
  });
});

describe("tasks per user", () => {
  it(`a user may have ${MAX_TASKS} tasks that are not deleted; the next is a 429, and a deleted one makes room`, async () => {
    const carol = await createTestUser();
    await insertTasks(carol, MAX_TASKS - 1);
    const last = await raw("POST", "/api/v2/tasks/me", { token: carol.token, body: { input: "the hundredth", template_version_id: version } });
    expect(last.status).toBe(201);
    const refused = await raw("POST", "/api/v2/tasks/me", { token: carol.token, body: { input: "one too many", template_version_id: version } });
    expectError(refused, 429, `A user may have at most ${MAX_TASKS} tasks.`);
    expect(refused.body.detail).toMatch(/Delete/);
    expect((await sql`SELECT count(*)::int AS n FROM tasks WHERE owner_id = ${carol.id} AND deleted_at IS NULL`)[0].n).toBe(MAX_TASKS);

    // The limit is the owner's: an admin creating for carol is refused too, and others are not affected.
    const admin = await createTestUser("admin");
    expectError(await raw("POST", `/api/v2/tasks/${carol.username}`, { token: admin.token, body: { input: "for carol", template_version_id: version } }), 429);
    expect((await raw("POST", "/api/v2/tasks/me", { token: admin.token, body: { input: "mine", template_version_id: version } })).status).toBe(201);

    expect((await raw("DELETE", `/api/v2/tasks/me/${last.body.id}`, { token: carol.token })).status).toBe(202);
    expect((await raw("POST", "/api/v2/tasks/me", { token: carol.token, body: { input: "room again", template_version_id: version } })).status).toBe(201);
  });

  it("a burst of creations cannot squeeze past the limit together", async () => {
    const dave = await createTestUser();
    await insertTasks(dave, MAX_TASKS - 3);
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => raw("POST", "/api/v2/tasks/me", { token: dave.token, body: { input: `burst ${i}`, template_version_id: version } })),
    );
    expect(results.map((r) => r.status).sort()).toEqual([201, 201, 201, 429, 429, 429, 429, 429]);
    expect((await sql`SELECT count(*)::int AS n FROM tasks WHERE owner_id = ${dave.id} AND deleted_at IS NULL`)[0].n).toBe(MAX_TASKS);
  });
});

describe("GET /tasks paging", () => {
  it(`returns ${DEFAULT_PAGE} tasks unless asked for another page size; count is all of them`, async () => {
    const erin = await createTestUser();
    await insertTasks(erin, 130);
    const res = await raw("GET", "/api/v2/tasks?q=owner:me", { token: erin.token });
    expect(res.status).toBe(200);
    expect(res.body.tasks).toHaveLength(DEFAULT_PAGE);
    expect(res.body.count).toBe(130);
    expect(res.body.tasks[0].name).toBe("bulk-1"); // newest first
    const rest = await raw("GET", "/api/v2/tasks?q=owner:me&offset=100", { token: erin.token });
    expect(rest.body.tasks).toHaveLength(30);
    expect((await raw("GET", "/api/v2/tasks?q=owner:me&limit=130", { token: erin.token })).body.tasks).toHaveLength(130);
    expect((await raw("GET", "/api/experimental/tasks?q=owner:me", { token: erin.token })).body.tasks).toHaveLength(DEFAULT_PAGE);
  });
});

describe("live streams per user", () => {
  it(`at most ${MAX_STREAMS} log streams open at once per user (429 with Retry-After); closing one frees its place`, async () => {
    const frank = await createTestUser();
    const other = await createTestUser();
    const task = (await raw("POST", "/api/v2/tasks/me", { token: frank.token, body: { input: "streamed", template_version_id: version } })).body;
    const otherTask = (await raw("POST", "/api/v2/tasks/me", { token: other.token, body: { input: "streamed", template_version_id: version } })).body;
    const open = async (user: TestUser, id: string) => {
      const abort = new AbortController();
      const res = await fetch(`${baseUrl()}/api/v2/tasks/me/${id}/logs/stream`, { headers: { "Coder-Session-Token": user.token }, signal: abort.signal });
      return { res, close: () => abort.abort() };
    };
    const streams = [];
    try {
      for (let i = 0; i < MAX_STREAMS; i++) {
        const s = await open(frank, task.id);
        expect(s.res.status).toBe(200);
        streams.push(s);
      }
      const refused = await open(frank, task.id);
      expect(refused.res.status).toBe(429);
      expect(Number(refused.res.headers.get("retry-after"))).toBeGreaterThan(0);
      expect((await refused.res.json()).message).toBe(`A user may have at most ${MAX_STREAMS} live streams open at once.`);
      // Someone else's streams are their own.
      const others = await open(other, otherTask.id);
      expect(others.res.status).toBe(200);
      others.close();

      streams.pop()!.close();
      let again: Awaited<ReturnType<typeof open>> | undefined;
      for (let i = 0; i < 50; i++) {
        again = await open(frank, task.id);
        if (again.res.status === 200) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(again!.res.status).toBe(200);
      streams.push(again!);
    } finally {
      for (const s of streams) s.close();
    }
  });

  it(`a client that leaves while its request is still being authenticated keeps no place (${MAX_STREAMS + 5} such drops, then a stream is still a 200)`, async () => {
    const grace = await createTestUser();
    const { hostname, port } = new URL(baseUrl());
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    // Authentication reads api_keys: while this lock is held every request waits there, so the
    // clients are certainly gone (their request signal already aborted) when the handler takes a place.
    let unlock!: () => void;
    let locked!: () => void;
    const isLocked = new Promise<void>((r) => (locked = r));
    const holding = sql.begin(async (tx) => {
      await tx`LOCK TABLE api_keys IN ACCESS EXCLUSIVE MODE`;
      locked();
      await new Promise<void>((r) => (unlock = r));
    });
    try {
      await isLocked;
      const sockets = Array.from({ length: MAX_STREAMS + 5 }, () => {
        const socket = net.connect({ host: hostname, port: Number(port) });
        socket.on("error", () => {});
        socket.write(`GET /api/v2/task-events HTTP/1.1\r\nHost: ${hostname}:${port}\r\nCoder-Session-Token: ${grace.token}\r\n\r\n`);
        return socket;
      });
      for (let i = 0; i < 100; i++) {
        const [{ n }] = await sql`SELECT count(*)::int AS n FROM pg_locks WHERE relation = 'api_keys'::regclass AND NOT granted`;
        if (n > 0) break;
        await sleep(50);
      }
      // The server's pool is waiting on the lock; give the rest of the requests time to queue behind it.
      await sleep(500);
      for (const socket of sockets) socket.resetAndDestroy();
      await sleep(500);
    } finally {
      unlock();
      await holding;
    }
    const abort = new AbortController();
    const res = await fetch(`${baseUrl()}/api/v2/task-events`, { headers: { "Coder-Session-Token": grace.token }, signal: abort.signal });
    abort.abort();
    expect(res.status).toBe(200);
  });
});

describe("request bodies", () => {
  it("are cut off while they stream in: a chunked body past the limit is a 413 long before it would end", async () => {
    const alice = await createTestUser();
    const { port, hostname } = new URL(baseUrl());
    const http = await import("node:http");
    const CHUNK = 256 * 1024;
    const result = await new Promise<{ status: number; sentBytes: number }>((resolve, reject) => {
      let sent = 0;
      const req = http.request(
        { host: hostname, port, method: "POST", path: "/api/v2/tasks/me", headers: { "content-type": "application/json", "transfer-encoding": "chunked", "Coder-Session-Token": alice.token } },
        (res) => {
          res.resume();
          clearInterval(timer);
          resolve({ status: res.statusCode ?? 0, sentBytes: sent * CHUNK });
          req.destroy();
        },
      );
      req.on("error", reject);
      req.write('{"input": "');
      const chunk = Buffer.alloc(CHUNK, "a");
      // 30 MiB at 256 KiB every 20 ms (~2.4 s in all) unless the server answers first.
      const timer = setInterval(() => {
        if (sent * CHUNK >= 30 * 1024 * 1024) {
          clearInterval(timer);
          req.end('"}');
          return;
        }
        req.write(chunk);
        sent++;
      }, 20);
    });
    expect(result.status).toBe(413);
    // The limit is 1 MiB: the answer comes while the body is still streaming, not after 30 MiB.
    expect(result.sentBytes).toBeLessThan(10 * 1024 * 1024);
  });

  it("with a %-escaped API path and a body is refused at once, not held in memory", async () => {
    const res = await rawHttp("POST", "/api/v2/tasks/me/%61bc/send", { headers: { "content-type": "application/json" }, body: '{"input":"x"}' });
    expectError(res, 400);
    expect(res.body.message).toMatch(/Percent-encoded/);
  });
});
