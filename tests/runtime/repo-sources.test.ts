import http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import fs from "node:fs/promises";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TaskyardClient, type Task } from "../../lib/sdk/client";
import { freeLoopbackPort } from "../../lib/ports";
import { ownerOf, startExtraServer, type ExtraServer } from "../support/extra-server";
import { waitFor, waitForStatus } from "../support/runtime";
import { taskyard } from "../support/stack";

const STALL_SECONDS = 3;
const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => {});
});

/** This machine's first non-loopback address: sandboxes may get a network of their own, where the host's loopback is not theirs. */
function hostAddress(): string {
  const found = Object.values(os.networkInterfaces())
    .flat()
    .find((a) => a && a.family === "IPv4" && !a.internal);
  return found?.address ?? "127.0.0.1";
}

/** A server that accepts connections and never says a byte: what held every build slot for 5 minutes. */
async function silentServer(host: string) {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on("error", () => {});
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((r) => server.listen(0, host, r));
  cleanups.push(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((r) => server.close(r));
  });
  return { port: (server.address() as net.AddressInfo).port, sockets };
}

/** A server that answers and then trickles bytes for as long as the test likes: a clone that is slow, not stalled, holding its slot. */
async function tricklingServer(host: string) {
  const responses = new Set<http.ServerResponse>();
  const server = http.createServer((req, res) => {
    res.writeHead(200, { "content-type": "application/x-git-upload-pack-advertisement" });
    responses.add(res);
    const timer = setInterval(() => res.write("0".repeat(16)), 250);
    res.on("close", () => {
      clearInterval(timer);
      responses.delete(res);
    });
  });
  await new Promise<void>((r) => server.listen(0, host, r));
  const release = async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  };
  cleanups.push(release);
  return { port: (server.address() as net.AddressInfo).port, connections: () => responses.size, release };
}

describe("repository sources on a server of their own (stall timeout, per-user build cap, no local repositories)", () => {
  let server: ExtraServer;
  let sql: postgres.Sql;
  let owner: TaskyardClient;
  let echo: string;
  const host = hostAddress();

  beforeAll(async () => {
    server = await startExtraServer({
      TASKYARD_BUILD_CONCURRENCY: "4",
      TASKYARD_BUILDS_PER_USER: "2",
      TASKYARD_GIT_STALL_SECONDS: String(STALL_SECONDS),
      TASKYARD_LOCAL_REPO_ROOTS: "",
      LOG_LEVEL: "info",
    });
    cleanups.push(() => server.stop());
    sql = postgres(server.databaseUrl, { max: 2, onnotice: () => {} });
    cleanups.push(() => sql.end());
    owner = await ownerOf(server);
    echo = (await owner.templates()).find((t) => t.name === "echo")!.active_version_id;
  });

  async function user(name: string) {
    const created = await owner.createUser({ email: `${name}@example.com`, username: name, password: "password-123", role: "member" });
    const { key } = await owner.createApiKey(created.id);
    return { id: created.id, token: key, client: new TaskyardClient({ baseUrl: server.baseUrl, token: key }) };
  }
  const post = (token: string, body: unknown) =>
    fetch(`${server.baseUrl}/api/v2/tasks/me`, { method: "POST", headers: { "content-type": "application/json", "Coder-Session-Token": token }, body: JSON.stringify(body) });
  const withRepo = (client: TaskyardClient, url: string, input = "clone it") =>
    client.createTask({ input, template_version_id: echo, rich_parameter_values: [{ name: "repo_url", value: url }] });
  const startBuilds = (ownerId: string) =>
    sql<{ job_status: string; started_at: Date | null; completed_at: Date | null }[]>`
      SELECT b.job_status, b.started_at, b.completed_at FROM workspace_builds b JOIN workspaces w ON w.id = b.workspace_id
      WHERE w.owner_id = ${ownerId} AND b.transition = 'start'`;

  it("refuses local repositories while TASKYARD_LOCAL_REPO_ROOTS is unset, and credentials in any URL; no log line carries them", async () => {
    const mallory = await user("mallory");
    const secret = "ghp_never-in-a-log-0123456789";
    for (const url of ["/etc", "/root/.ssh", "file:///var/lib"]) {
      const res = await post(mallory.token, { input: "x", template_version_id: echo, rich_parameter_values: [{ name: "repo_url", value: url }] });
      expect(res.status, url).toBe(400);
      expect(((await res.json()) as { message: string }).message).toMatch(/local repositories are not enabled on this server/);
    }
    const res = await post(mallory.token, { input: "x", template_version_id: echo, rich_parameter_values: [{ name: "repo_url", value: `https://${secret}@github.com/acme/app.git` }] });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { message: string }).message).toMatch(/store a git credential for the host instead/);
    expect((await mallory.client.tasks()).tasks).toEqual([]);
    expect(server.output()).not.toContain(secret);
  });

  it("eight hanging clones by one user leave another user's create → active in its usual time; the hung ones fail as stalled", async () => {
    const hang = await silentServer(host);
    const alice = await user("alice");
    const bob = await user("bob");

    // The usual time, on an idle server.
    let began = Date.now();
    const warmup = await bob.client.createTask({ input: "usual", template_version_id: echo });
    await waitForStatus(bob.client, warmup.id, "active", 30_000);
    const usualMs = Date.now() - began;

    // Over http (curl's low-speed limit) and git:// (the watchdog on git's progress).
    const urls = Array.from({ length: 8 }, (_, i) => (i % 2 ? `git://${host}:${hang.port}/hang-${i}.git` : `http://${host}:${hang.port}/hang-${i}.git`));
    const hung = await Promise.all(urls.map((url) => withRepo(alice.client, url)));
    await waitFor("alice's clones to hold their slots", async () => (await startBuilds(alice.id)).filter((b) => b.job_status === "running").length === 2);

    began = Date.now();
    const task = await bob.client.createTask({ input: "not starved", template_version_id: echo });
    await waitForStatus(bob.client, task.id, "active", 30_000);
    const starvedMs = Date.now() - began;
    // Bob's build was claimed while alice's first clones still hung: it never waited for a slot of hers.
    const [bobBuild] = await sql`SELECT b.started_at FROM workspace_builds b WHERE b.workspace_id = ${task.workspace_id!}`;
    const firstDone = (await startBuilds(alice.id)).map((b) => b.completed_at).filter((d): d is Date => d !== null).sort((a, b) => +a - +b)[0];
    if (firstDone) expect(+bobBuild.started_at).toBeLessThan(+firstDone);
    expect(starvedMs).toBeLessThan(usualMs + 5_000);

    const failed = await Promise.all(hung.map((t) => waitForStatus(alice.client, t.id, "error", 60_000)));
    for (const t of failed) expect(t.current_state?.message).toMatch(new RegExp(`^Cloning .*hang-\\d\\.git stalled: no data for ${STALL_SECONDS} s$`));
    // Never more than her cap at once.
    const events = (await startBuilds(alice.id)).flatMap((b) => [{ at: +b.started_at!, d: 1 }, { at: +b.completed_at!, d: -1 }]).sort((a, b) => a.at - b.at || a.d - b.d);
    let running = 0;
    let most = 0;
    for (const e of events) most = Math.max(most, (running += e.d));
    expect(most).toBeLessThanOrEqual(2);
    console.log(`create → active: ${usualMs} ms idle, ${starvedMs} ms beside eight hanging clones`);
  }, 120_000);

  it("a pause and a delete of another user's tasks complete while every start slot is busy", async () => {
    const slow = await tricklingServer(host);
    const carol = await user("carol");
    const dave = await user("dave");
    const erin = await user("erin");
    const paused = await erin.client.createTask({ input: "pause me", template_version_id: echo });
    const deleted = await erin.client.createTask({ input: "delete me", template_version_id: echo });
    for (const t of [paused, deleted]) await waitForStatus(erin.client, t.id, "active", 30_000);

    // Two users, two slow clones each (their cap): all four start slots, and more starts queued behind.
    const slowTasks: { client: TaskyardClient; task: Task }[] = [];
    for (const who of [carol, dave]) {
      for (let i = 0; i < 3; i++) slowTasks.push({ client: who.client, task: await withRepo(who.client, `http://${host}:${slow.port}/slow-${i}.git`) });
    }
    await waitFor("four slow clones in the four start slots", async () => slow.connections() === 4, 30_000);

    await erin.client.pause("me", paused.id);
    await erin.client.deleteTask("me", deleted.id);
    await waitForStatus(erin.client, paused.id, "paused", 20_000);
    await waitFor("the delete", async () => !(await erin.client.tasks()).tasks.some((t) => t.id === deleted.id), 20_000);
    // …while the start slots were still held.
    expect(slow.connections()).toBe(4);
    const running = await sql`SELECT count(*)::int AS n FROM workspace_builds WHERE transition = 'start' AND job_status = 'running'`;
    expect(running[0].n).toBe(4);

    await slow.release();
    for (const { client, task } of slowTasks) await waitForStatus(client, task.id, "error", 60_000);
  }, 120_000);
});

describe("the data dir and the local repository roots", () => {
  it("refuses to start when an allowed root holds the data dir", async () => {
    const parent = await fs.mkdtemp(path.join(os.tmpdir(), "taskyard-roots-"));
    cleanups.push(() => fs.rm(parent, { recursive: true, force: true }));
    const proc = taskyard(["server", "--no-build"], {
      PORT: String(await freeLoopbackPort()),
      HOSTNAME: "127.0.0.1",
      TASKYARD_DATA_DIR: path.join(parent, "data"),
      TASKYARD_LOCAL_REPO_ROOTS: `/nonexistent-elsewhere,${parent}`,
      DATABASE_URL: "",
    });
    cleanups.push(() => proc.stop("SIGKILL"));
    const code = await new Promise((r) => proc.child.once("exit", r));
    expect(code).not.toBe(0);
    expect(proc.output()).toMatch(/TASKYARD_LOCAL_REPO_ROOTS: .* and the data dir .* overlap/);
    await expect(fs.stat(path.join(parent, "data"))).rejects.toThrow(); // refused before anything was made
  });
});
