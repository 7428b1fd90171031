import fs from "node:fs/promises";
import { afterAll, describe, expect, it } from "vitest";
import { startEmbeddedPostgres, type EmbeddedDatabase } from "../../lib/db/embedded";
import { freeLoopbackPort } from "../../lib/ports";
import { recordRecovery, signIn, taskWithConversation, timeUntil, waitForConversation } from "../support/chaos";
import { startServer, tempDataDir } from "../support/stack";

const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => {});
});

describe("a database that is gone for a while (DATABASE_URL, so nobody restarts it)", () => {
  it("answers every API call 503 with Retry-After within 2 s, logs it once, and recovers by itself", async () => {
    const pgDir = await tempDataDir();
    const pgPort = await freeLoopbackPort();
    let pg: EmbeddedDatabase = await startEmbeddedPostgres(pgDir, { port: pgPort });
    const password = new URL(pg.url).password;
    const dataDir = await tempDataDir();
    const { baseUrl, proc } = await startServer({ dataDir, env: { DATABASE_URL: pg.url } });
    cleanups.push(
      () => fs.rm(pgDir, { recursive: true, force: true }),
      () => fs.rm(dataDir, { recursive: true, force: true }),
      () => pg.stop(),
      () => proc.stop(),
    );
    const client = await signIn(baseUrl);
    const task = await taskWithConversation(client, "Wait for the database");
    const echo = (await client.templates()).find((t) => t.name === "echo")!.active_version_id;

    await pg.stop();
    const calls: [string, string, unknown?][] = [
      ["GET", "/api/v2/tasks"],
      ["GET", `/api/v2/tasks/me/${task.id}`],
      ["GET", `/api/v2/tasks/me/${task.id}/logs`],
      ["POST", "/api/v2/tasks/me", { input: "while the database is down", template_version_id: echo }],
      ["POST", `/api/v2/tasks/me/${task.id}/send`, { input: "lost?" }],
      ["POST", `/api/v2/tasks/me/${task.id}/pause`],
      ["GET", "/api/v2/users/me"],
      ["POST", "/api/v2/users/login", { email: "admin@example.com", password: "admin-password" }],
    ];
    for (let round = 0; round < 3; round++) {
      for (const [method, path, body] of calls) {
        const started = Date.now();
        const res = await fetch(`${baseUrl}${path}`, {
          method,
          headers: { "Coder-Session-Token": client.token!, ...(body ? { "content-type": "application/json" } : {}) },
          body: body ? JSON.stringify(body) : undefined,
        });
        expect({ call: `${method} ${path}`, status: res.status }).toEqual({ call: `${method} ${path}`, status: 503 });
        expect(Date.now() - started).toBeLessThan(2000);
        expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
        expect(await res.json()).toEqual({ message: "The database is unavailable.", detail: "Taskyard cannot reach its database; try again shortly." });
      }
    }
    expect((await fetch(`${baseUrl}/readyz`)).status).toBe(503);
    expect((await fetch(`${baseUrl}/healthz`)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 3000)); // the provisioner and the probe keep retrying meanwhile

    const log = proc.output();
    expect(log.match(/the database is unreachable; answering 503 until it is back/g)).toHaveLength(1);
    // The web server's own log line, in the launcher's log at its own level (it used to be hidden at debug).
    const webLine = log.split("\n").find((l) => l.includes("answering 503 until it is back"))!;
    expect(JSON.parse(webLine)).toMatchObject({ level: 50, service: "web" });
    expect(log.match(/the database is unreachable; builds wait until it is back/g)).toHaveLength(1);
    expect(log).not.toContain("Failed query");
    expect(log).not.toContain(password);

    pg = await startEmbeddedPostgres(pgDir, { port: pgPort });
    const recoveredMs = await timeUntil("the API answers again", async () => (await fetch(`${baseUrl}/readyz`)).ok && !!(await client.tasks()));
    expect(proc.output()).toMatch(/the database is reachable again/);
    const conversation = ["Wait for the database", "You said: Wait for the database", "Wait for the database, again", "You said: Wait for the database, again"];
    await waitForConversation(client, task.id, conversation);
    expect((await client.tasks()).tasks.map((t) => t.id)).toEqual([task.id]); // the create during the outage did not half-happen
    await client.send("me", task.id, "back");
    await waitForConversation(client, task.id, [...conversation, "back", "You said: back"]);
    recordRecovery({ fault: "database unreachable (stopped, then started again)", recoveredMs, lost: "nothing; every call meanwhile was a 503 and changed nothing" });
  });
});
