import { execFileSync, spawn } from "node:child_process";
import fs from "node:fs/promises";
import net from "node:net";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { TaskyardClient, Task } from "../../lib/sdk/client";
import { processesMentioning, postmasterPid, recordRecovery, signIn, taskWithConversation, timeUntil, waitForConversation } from "../support/chaos";
import { descendants, isAlive } from "../support/runtime";
import { startServer, taskyard, tempDataDir } from "../support/stack";

const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => {});
});

async function server() {
  const dataDir = await tempDataDir();
  const running = await startServer({ dataDir });
  cleanups.push(() => fs.rm(dataDir, { recursive: true, force: true }), () => running.proc.stop());
  return { ...running, dataDir, client: await signIn(running.baseUrl) };
}

const webPid = (launcherPid: number) => descendants(launcherPid).find((p) => /next-server|bin\/web\.mjs/.test(p.argv.join(" ")))?.pid;
const conversation = [(p: string) => p, (p: string) => `You said: ${p}`, (p: string) => `${p}, again`, (p: string) => `You said: ${p}, again`];
const expectIntact = async (client: TaskyardClient, task: Task, prompt: string) => {
  expect((await client.task("me", task.id)).status).toBe("active");
  await waitForConversation(client, task.id, conversation.map((c) => c(prompt)));
};

describe("the launcher keeps its children running", () => {
  it("restarts PostgreSQL killed with SIGKILL; the API answers 503 meanwhile, never 500, and nothing is lost", async () => {
    const { baseUrl, proc, dataDir, client } = await server();
    const task = await taskWithConversation(client, "Survive the database");
    const before = postmasterPid(dataDir);
    process.kill(before, "SIGKILL");
    const statuses = new Set<number>();
    const recoveredMs = await timeUntil("the API answers again", async () => {
      const res = await fetch(`${baseUrl}/api/v2/tasks`, { headers: { "Coder-Session-Token": client.token! } });
      statuses.add(res.status);
      if (res.status === 503) {
        expect(res.headers.get("retry-after")).toBeTruthy();
        expect(await res.json()).toEqual({ message: "The database is unavailable.", detail: expect.any(String) });
      }
      return res.status === 200;
    });
    expect([...statuses].filter((s) => s !== 200 && s !== 503)).toEqual([]);
    expect(postmasterPid(dataDir)).not.toBe(before);
    await expectIntact(client, task, "Survive the database");
    await client.send("me", task.id, "after the database came back");
    await waitForConversation(client, task.id, [...conversation.map((c) => c("Survive the database")), "after the database came back", "You said: after the database came back"]);
    expect(proc.output()).toContain("PostgreSQL stopped unexpectedly (killed by SIGKILL); restarting");
    expect(proc.output()).not.toContain("Failed query");
    recordRecovery({ fault: "kill -9 PostgreSQL", recoveredMs, lost: "nothing (tasks, conversation, later sends)" });
  });

  it("restarts the web server killed with SIGKILL, and says so in the log", async () => {
    const { baseUrl, proc, client } = await server();
    const task = await taskWithConversation(client, "Survive the web server");
    const pid = webPid(proc.child.pid!)!;
    expect(pid).toBeTruthy();
    process.kill(pid, "SIGKILL");
    const recoveredMs = await timeUntil("the web server is back", async () => (await fetch(`${baseUrl}/readyz`)).ok);
    expect(webPid(proc.child.pid!)).not.toBe(pid);
    await expectIntact(client, task, "Survive the web server");
    expect(proc.output()).toContain("the web server stopped unexpectedly (killed by SIGKILL); restarting");
    recordRecovery({ fault: "kill -9 web server", recoveredMs, lost: "nothing" });
  });

  it("gives up on a web server that keeps dying: one clear line, exit 1, nothing left running", async () => {
    const { baseUrl, proc, dataDir, client } = await server();
    await taskWithConversation(client, "Left running?");
    for (let i = 0; i < 5; i++) {
      const pid = await timeUntil("a web server", async () => !!webPid(proc.child.pid!) && (await fetch(`${baseUrl}/healthz`)).ok).then(() => webPid(proc.child.pid!)!);
      process.kill(pid, "SIGKILL");
      await timeUntil("it is gone", async () => !isAlive(pid));
    }
    const code = await new Promise<number | null>((resolve) => (proc.child.exitCode !== null ? resolve(proc.child.exitCode) : proc.child.once("exit", resolve)));
    expect(code).toBe(1);
    expect(proc.output()).toMatch(/^taskyard: the web server failed 5 times within 60 s \(last: killed by SIGKILL\); stopped$/m);
    await timeUntil("nothing of it running", async () => processesMentioning(dataDir).length === 0, 10_000);
  });

  it("refuses a second server on a data dir in use (naming no pid it cannot verify), and leaves the first one running", async () => {
    const { baseUrl, dataDir, client } = await server();
    const task = await taskWithConversation(client, "Still mine");
    const pgBefore = postmasterPid(dataDir);
    const second = taskyard(["server", "--no-build"], { TASKYARD_DATA_DIR: dataDir, PORT: "0", HOSTNAME: "127.0.0.1", DATABASE_URL: "" });
    const code = await new Promise((resolve) => second.child.once("exit", resolve));
    expect(code).toBe(1);
    expect(second.output().trim()).toBe(`taskyard: ${dataDir} is in use by another Taskyard server; stop it first or set TASKYARD_DATA_DIR`);
    expect(isAlive(pgBefore)).toBe(true);
    expect((await fetch(`${baseUrl}/readyz`)).status).toBe(200);
    await expectIntact(client, task, "Still mine");
  });

  it("checks its port before starting anything, and says so in one line", async () => {
    const dataDir = await tempDataDir();
    cleanups.push(() => fs.rm(dataDir, { recursive: true, force: true }));
    const squatter = net.createServer().listen(0, "127.0.0.1");
    await new Promise((r) => squatter.once("listening", r));
    cleanups.push(async () => squatter.close());
    const port = (squatter.address() as net.AddressInfo).port;
    const proc = taskyard(["server", "--no-build"], { TASKYARD_DATA_DIR: dataDir, PORT: String(port), HOSTNAME: "127.0.0.1", DATABASE_URL: "" });
    expect(await new Promise((resolve) => proc.child.once("exit", resolve))).toBe(1);
    expect(proc.output().trim()).toBe(`taskyard: port ${port} is already in use; stop that server or set PORT`);
    expect(await fs.readdir(dataDir)).toEqual([]); // no PostgreSQL was created, let alone started
  });

  it.skipIf(process.getuid?.() !== 0)("says plainly when the data dir cannot be created", async () => {
    const parent = await tempDataDir();
    cleanups.push(() => fs.rm(parent, { recursive: true, force: true }));
    execFileSync("mount", ["-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", parent]); // read-only, even for root
    cleanups.push(async () => execFileSync("umount", ["-l", parent]));
    const dataDir = path.join(parent, "data");
    const proc = taskyard(["server", "--no-build"], { TASKYARD_DATA_DIR: dataDir, PORT: "0", HOSTNAME: "127.0.0.1", DATABASE_URL: "" });
    expect(await new Promise((resolve) => proc.child.once("exit", resolve))).toBe(1);
    expect(proc.output().trim()).toBe(
      `taskyard: cannot create the data dir ${dataDir}: ${parent} is not writable (EROFS); set TASKYARD_DATA_DIR to a writable directory`,
    );
  });

  it("never signals a process that a stale postmaster.pid names; removes the file and starts", async () => {
    const dataDir = await tempDataDir();
    cleanups.push(() => fs.rm(dataDir, { recursive: true, force: true }));
    const first = await startServer({ dataDir });
    await first.proc.stop();
    const bystander = spawn("sleep", ["60"], { stdio: "ignore" });
    cleanups.push(async () => bystander.kill());
    // What a crash and a reboot leave: the file names a pid that is now someone else's.
    await fs.writeFile(path.join(dataDir, "pg", "postmaster.pid"), `${bystander.pid}\n${dataDir}/pg\n0\n5432\n\n127.0.0.1\n`);
    const second = await startServer({ dataDir });
    cleanups.push(() => second.proc.stop());
    expect(isAlive(bystander.pid!)).toBe(true);
    expect(second.proc.output()).toContain("postmaster.pid names a process that is not this data dir's PostgreSQL; removing the stale file");
    expect((await fetch(`${second.baseUrl}/readyz`)).status).toBe(200);
  });

  it("stops a PostgreSQL its SIGKILLed launcher left behind, and brings the workspace back", async () => {
    const dataDir = await tempDataDir();
    cleanups.push(() => fs.rm(dataDir, { recursive: true, force: true }));
    const first = await startServer({ dataDir });
    const client = await signIn(first.baseUrl);
    const task = await taskWithConversation(client, "Outlive the launcher");
    const leftover = postmasterPid(dataDir);
    const started = Date.now();
    await first.proc.stop("SIGKILL");
    // Its web server notices its parent is gone and exits (within 0.5 s); it must not pass for the new one.
    await timeUntil("the orphaned web server is gone", async () => !(await fetch(`${first.baseUrl}/healthz`).then((r) => r.ok, () => false)));
    const second = await startServer({ dataDir, port: first.port });
    cleanups.push(() => second.proc.stop());
    expect(second.proc.output()).toContain("stopping a PostgreSQL left running by an earlier launcher");
    expect(isAlive(leftover)).toBe(false);
    const again = await signIn(second.baseUrl);
    await waitForConversation(again, task.id, conversation.map((c) => c("Outlive the launcher")));
    await again.send("me", task.id, "still here?");
    await waitForConversation(again, task.id, [...conversation.map((c) => c("Outlive the launcher")), "still here?", "You said: still here?"]);
    recordRecovery({ fault: "kill -9 launcher, then npm start", recoveredMs: Date.now() - started, lost: "nothing (the orphaned PostgreSQL is stopped, the agent kept or restarted)" });
  });
});
