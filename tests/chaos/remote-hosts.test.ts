import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freeLoopbackPort } from "../../lib/ports";
import { TaskyardClient, type Task } from "../../lib/sdk/client";
import { recordRecovery, timeUntil } from "../support/chaos";
import { canFakeHosts, createFakeHost, environOf, type FakeHost, type HostProcess } from "../support/hosts";
import { taskyard, type Proc } from "../support/stack";
import { databaseUrlOf } from "../support/stack-db";
import { fetchTrusting, selfSignedCertificate } from "../support/tls-fetch";

/**
 * Several machines, for real: one server host (embedded PostgreSQL and two web servers, both
 * `--no-provisioner`, on one database, serving HTTPS) and two workspace hosts — network namespaces
 * that reach only the server's addresses — each running `taskyard provisioner --url --key` with no
 * database access. Each test builds on the one before (a host is lost in the middle of the story).
 */

const HOST_LOST_AFTER_MS = 5000;
const ready = await canFakeHosts();

type Server = { proc: Proc; port: number; url: (from?: FakeHost) => string; client: TaskyardClient };

describe.skipIf(!ready)("remote provisioners on other hosts", { timeout: 120_000 }, () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  let dir: string;
  let ca: string;
  let caFile: string;
  let hostA: FakeHost;
  let hostB: FakeHost;
  let web1: Server;
  let web2: Server;
  let databaseUrl: string;
  let databasePassword: string;
  let db: postgres.Sql;
  let daemonB: HostProcess;
  let keyB: { id: string; key: string };
  let task: Task;
  let onGpu: Task;

  const euTemplate = { id: "" };

  async function startWeb(dataDir: string, env: Record<string, string>): Promise<Server> {
    const port = await freeLoopbackPort();
    const proc = taskyard(["server", "--no-build", "--no-provisioner"], {
      PORT: String(port),
      HOSTNAME: "0.0.0.0",
      TASKYARD_DATA_DIR: dataDir,
      TASKYARD_ADMIN_EMAIL: "admin@example.com",
      TASKYARD_ADMIN_PASSWORD: "admin-password",
      TASKYARD_TLS_CERT_FILE: path.join(dir, "server.crt"),
      TASKYARD_TLS_KEY_FILE: path.join(dir, "server.key"),
      TASKYARD_HOST_LOST_AFTER_MS: String(HOST_LOST_AFTER_MS),
      ...env,
    });
    cleanups.push(() => proc.stop());
    const fetchImpl = fetchTrusting(ca);
    const local = `https://127.0.0.1:${port}`;
    await timeUntil("the web server answers", async () => {
      if (proc.child.exitCode !== null) throw new Error(`server exited:\n${proc.output()}`);
      return (await fetchImpl(`${local}/healthz`)).ok;
    }, 90_000);
    const { session_token } = await new TaskyardClient({ baseUrl: local, fetch: fetchImpl }).login("admin@example.com", "admin-password");
    return { proc, port, url: (from) => `https://${from ? from.serverAddress : "127.0.0.1"}:${port}`, client: new TaskyardClient({ baseUrl: local, token: session_token, fetch: fetchImpl }) };
  }

  function startDaemon(host: FakeHost, server: Server, key: string, tags: string[]): HostProcess {
    const daemon = host.spawn(process.execPath, [
      "bin/taskyard.mjs", "provisioner", "--url", server.url(host), "--key", key, "--name", host.name,
      ...tags.flatMap((t) => ["--tag", t]), "--advertise", host.address, "--ca", caFile,
    ], {
      // What an operator gives a workspace host: no DATABASE_URL, no server secrets.
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      HOME: os.homedir(),
      TASKYARD_DATA_DIR: path.join(dir, `${host.name}-data`),
      TASKYARD_LEASE_MS: "3000",
      LOG_LEVEL: "info",
    });
    cleanups.push(async () => {
      daemon.child.kill("SIGKILL");
    });
    return daemon;
  }

  const agentOf = async (taskId: string) =>
    (await db`
      SELECT a.host, a.api_url, a.lifecycle_state FROM workspace_agents a JOIN tasks t ON t.workspace_id = a.workspace_id
      WHERE t.id = ${taskId} ORDER BY a.created_at DESC LIMIT 1`)[0] as { host: string; api_url: string; lifecycle_state: string } | undefined;

  const reply = async (client: TaskyardClient, taskId: string, input: string) => {
    const before = (await client.logs("me", taskId)).logs.length;
    await client.send("me", taskId, input);
    let answer = "";
    await timeUntil(`the answer to ${input}`, async () => {
      const logs = (await client.logs("me", taskId)).logs;
      answer = logs.length >= before + 2 ? logs[logs.length - 1].content : "";
      return answer !== "" && (await client.task("me", taskId)).current_state?.state === "idle";
    });
    return answer;
  };

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), "taskyard-hosts-"));
    await fs.chmod(dir, 0o755);
    cleanups.push(() => fs.rm(dir, { recursive: true, force: true }));
    hostA = await createFakeHost("host-a", 1);
    cleanups.push(() => hostA.remove());
    hostB = await createFakeHost("host-b", 2);
    cleanups.push(() => hostB.remove());
    ({ cert: ca } = selfSignedCertificate(dir, ["127.0.0.1", hostA.serverAddress, hostB.serverAddress]));
    caFile = path.join(dir, "server.crt");

    const secretKey = randomBytes(32).toString("hex");
    const data1 = path.join(dir, "web1");
    await fs.mkdir(data1);
    web1 = await startWeb(data1, { DATABASE_URL: "", TASKYARD_SECRET_KEY: secretKey });
    databaseUrl = await databaseUrlOf(data1);
    databasePassword = new URL(databaseUrl).password;
    const data2 = path.join(dir, "web2");
    await fs.mkdir(data2);
    web2 = await startWeb(data2, { DATABASE_URL: databaseUrl, TASKYARD_SECRET_KEY: secretKey });
    db = postgres(databaseUrl, { max: 2, onnotice: () => {} });
    cleanups.push(() => db.end());

    const template = await web1.client.request<{ active_version_id: string }>("POST", "/api/v2/organizations/default/templates", {
      name: "echo-eu",
      display_name: "Echo in the EU",
      config: { agent: { kind: "echo" }, provisioner_tags: { region: "eu" } },
    });
    euTemplate.id = template.active_version_id;
  }, 240_000);

  afterAll(async () => {
    for (const c of cleanups.reverse()) await c().catch(() => {});
  });

  it("a provisioner with only a key runs a task on its host; the second web server reaches its agent over TLS", async () => {
    const keyA = await web1.client.request<{ id: string; key: string }>("POST", "/api/v2/provisioner-keys", { name: "host-a" });
    expect(keyA.key).toMatch(/^typk_/);
    startDaemon(hostA, web1, keyA.key, ["region=eu"]);
    await timeUntil("host A registers", async () => (await web1.client.request<{ host: string }[]>("GET", "/api/v2/provisioners")).some((p) => p.host === "host-a"), 60_000);

    task = await web1.client.createTask({ input: "remember the lighthouse", template_version_id: euTemplate.id });
    await timeUntil("the task is active on host A", async () => (await web1.client.task("me", task.id)).status === "active", 60_000);
    const agent = await agentOf(task.id);
    expect(agent).toMatchObject({ host: "host-a", api_url: expect.stringMatching(new RegExp(`^https://${hostA.address.replaceAll(".", "\\.")}:\\d+$`)) });

    // Web server 2 never saw this task being made: it reaches the agent on host A all the same.
    expect(await reply(web2.client, task.id, "/sh echo one > committed.txt && git add committed.txt && git commit -qm 'turn one' && echo two > uncommitted.txt && echo done")).toContain("done");
    expect((await web2.client.logs("me", task.id)).logs.map((m) => m.content)).toEqual(expect.arrayContaining(["remember the lighthouse", "You said: remember the lighthouse"]));
    const status = await web2.client.request<{ status: string }>("GET", `/api/v2/tasks/me/${task.id}/agentapi/status`);
    expect(status.status).toBe("stable");
    const messages = await web2.client.request<unknown>("GET", `/api/v2/tasks/me/${task.id}/agentapi/messages`);
    expect(JSON.stringify(messages)).toContain("remember the lighthouse");
    // The agent's own event stream, passed through web server 2: its first events replay the conversation.
    const stream = await fetchTrusting(ca)(`${web2.url()}/api/v2/tasks/me/${task.id}/agentapi/events`, { headers: { "Coder-Session-Token": web2.client.token! }, signal: AbortSignal.timeout(15_000) });
    expect(stream.status).toBe(200);
    let seen = "";
    const reader = stream.body!.getReader();
    while (!seen.includes("remember the lighthouse")) seen += new TextDecoder().decode((await reader.read()).value);
    expect(seen).toMatch(/^event: /m);
    await reader.cancel();
  });

  it("nothing on a workspace host holds the database's address or password", async () => {
    const pids = await hostA.pids();
    expect(pids.length).toBeGreaterThan(3); // the daemon, the agent's sandbox, the workspace's
    for (const pid of pids) {
      const environ = environOf(pid);
      expect(environ, `process ${pid}`).not.toContain("DATABASE_URL");
      expect(environ, `process ${pid}`).not.toContain(databasePassword);
    }
    // And the database is not reachable from there at all (it listens on the server's loopback).
    const port = new URL(databaseUrl).port;
    const probe = hostA.spawn(process.execPath, ["-e", `require("net").connect(${port}, "127.0.0.1").on("connect", () => process.exit(0)).on("error", () => process.exit(7))`], { PATH: process.env.PATH ?? "" });
    expect(await probe.exited).toBe(7);
  });

  it("traffic between the hosts is not plaintext: a capture on host A's link finds no prompt text", async () => {
    const capture = path.join(dir, "host-a.pcap");
    const tcpdump = spawn("tcpdump", ["--immediate-mode", "-Z", "root", "-i", hostA.serverInterface, "-U", "-w", capture, "tcp"], { stdio: ["ignore", "ignore", "pipe"] });
    let said = "";
    tcpdump.stderr!.on("data", (d) => (said += d));
    await timeUntil("tcpdump listens", async () => said.includes("listening on"), 10_000);
    const secret = `plaintext-canary-${randomBytes(6).toString("hex")}`;
    expect(await reply(web2.client, task.id, secret)).toContain(secret);
    expect((await web1.client.logs("me", task.id)).logs.at(-1)?.content).toContain(secret);
    await new Promise((r) => setTimeout(r, 500));
    tcpdump.kill("SIGINT");
    await new Promise((r) => tcpdump.once("exit", r));
    const bytes = await fs.readFile(capture);
    expect(bytes.length, said).toBeGreaterThan(2000); // the exchange went over this link…
    expect(bytes.includes(Buffer.from(secret))).toBe(false); // …and none of it in the clear
    expect(bytes.includes(Buffer.from("remember the lighthouse"))).toBe(false);
  });

  it("jobs land only on hosts with the template's tags; with none, the task says what it waits for", async () => {
    keyB = await web1.client.request<{ id: string; key: string }>("POST", "/api/v2/provisioner-keys", { name: "host-b" });
    daemonB = startDaemon(hostB, web2, keyB.key, ["region=eu", "gpu=true"]);
    await timeUntil("host B registers", async () => (await web1.client.request<{ host: string }[]>("GET", "/api/v2/provisioners")).some((p) => p.host === "host-b"), 60_000);

    const gpu = await web1.client.request<{ active_version_id: string }>("POST", "/api/v2/organizations/default/templates", {
      name: "echo-gpu",
      display_name: "Echo on a GPU",
      config: { agent: { kind: "echo" }, provisioner_tags: { gpu: "true" } },
    });
    onGpu = await web2.client.createTask({ input: "needs a gpu", template_version_id: gpu.active_version_id });
    await timeUntil("the gpu task is active", async () => (await web1.client.task("me", onGpu.id)).status === "active", 60_000);
    expect((await agentOf(onGpu.id))?.host).toBe("host-b");

    const us = await web1.client.request<{ active_version_id: string }>("POST", "/api/v2/organizations/default/templates", {
      name: "echo-us",
      display_name: "Echo in the US",
      config: { agent: { kind: "echo" }, provisioner_tags: { region: "us" } },
    });
    const waiting = await web1.client.createTask({ input: "nobody serves the us", template_version_id: us.active_version_id });
    await timeUntil("the task says what it waits for", async () => (await web2.client.task("me", waiting.id)).current_state?.message === "waiting for a provisioner with region=us", 20_000);
    expect((await web2.client.task("me", waiting.id)).status).toBe("pending");
    await web1.client.deleteTask("me", waiting.id);
  });

  it("host A lost: its task shows unknown, then resumes on host B with the conversation and the last turn's repository", async () => {
    const lostAt = Date.now();
    await hostA.killEverything();
    const shownMs = await timeUntil("the task shows its host lost", async () => {
      const t = await web2.client.task("me", task.id);
      return t.status === "unknown" && t.current_state?.message === "host host-a lost";
    }, 60_000);

    await web2.client.resume("me", task.id);
    await timeUntil("the task is active again", async () => (await web1.client.task("me", task.id)).status === "active", 90_000);
    const resumedMs = Date.now() - lostAt;
    expect((await agentOf(task.id))?.host).toBe("host-b");

    const conversation = (await web1.client.logs("me", task.id)).logs.map((m) => m.content);
    expect(conversation.slice(0, 2)).toEqual(["remember the lighthouse", "You said: remember the lighthouse"]);
    const repository = await reply(web1.client, task.id, "/sh git log --format=%s && cat committed.txt uncommitted.txt");
    expect(repository).toContain("turn one");
    expect(repository).toMatch(/one\s+two/);

    recordRecovery({ fault: "host lost (every process of a workspace host killed)", recoveredMs: shownMs, lost: "nothing finished: shown unknown \"host host-a lost\"" });
    recordRecovery({ fault: "host lost → resume on another host", recoveredMs: resumedMs, lost: "at most the turn that was running (conversation, commits and uncommitted files of the last finished turn kept)" });
  });

  it("a revoked key stops its daemon and the agents it runs", async () => {
    const agentPids = (await hostB.pids()).filter((pid) => / agent( |$)/.test(cmdline(pid)));
    expect(agentPids.length).toBeGreaterThan(0);
    await web1.client.request("DELETE", `/api/v2/provisioner-keys/${keyB.id}`);
    const stoppedMs = await timeUntil("the daemon stops", async () => daemonB.child.exitCode !== null, 30_000);
    expect(daemonB.child.exitCode).toBe(3);
    expect(daemonB.output()).toContain("refused this provisioner's key");
    for (const pid of agentPids) expect(await processGone(pid), `agent process ${pid}`).toBe(true);
    // Its tasks then read as lost, like any host's that went away, and can be resumed elsewhere.
    await timeUntil("host B's task shows its host lost", async () => (await web1.client.task("me", onGpu.id)).current_state?.message === "host host-b lost (its provisioner key was revoked)", 30_000);
    expect((await web1.client.task("me", onGpu.id)).status).toBe("unknown");
    recordRecovery({ fault: "provisioner key revoked", recoveredMs: stoppedMs, lost: "nothing the host had not uploaded (its agents stopped at its next call)" });
  });
});

function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ");
  } catch {
    return "";
  }
}

async function processGone(pid: number): Promise<boolean> {
  for (let i = 0; i < 100; i++) {
    if (!(await fs.stat(`/proc/${pid}`).catch(() => null))) return true;
    const state = await fs.readFile(`/proc/${pid}/stat`, "utf8").catch(() => "");
    if (/\) Z /.test(state)) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

