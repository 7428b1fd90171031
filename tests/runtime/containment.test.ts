import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TaskyardClient, type Task } from "../../lib/sdk/client";
import type { TemplateSandbox } from "../../lib/sandbox/settings";
import { processesOfUid, waitFor, waitForState, waitForStatus } from "../support/runtime";
import { databaseUrlOf } from "../support/stack-db";
import { startServer, tempDataDir } from "../support/stack";

/**
 * The attacks of the containment review, run the way they were run (the echo template's `/sh`
 * and `/crash`, a workspace's own files), each proving it now fails.
 */
const hasSandbox = spawnSync("bwrap", ["--version"]).status === 0 && spawnSync("slirp4netns", ["--version"]).status === 0;
const asRoot = process.getuid?.() === 0;

/** A tiny client run inside the workspace: a TCP or abstract-socket connect, or an HTTP GET. */
const PROBE = `
const net = require("net");
const [kind, a, b] = process.argv.slice(2);
const done = (what) => { console.log(what); process.exit(0); };
if (kind === "http") {
  fetch(a, { signal: AbortSignal.timeout(5000) }).then((r) => r.text()).then((t) => done("ANSWER " + t), (e) => done("REFUSED " + (e.cause?.code ?? e.name)));
} else {
  const s = net.connect(kind === "abstract" ? { path: "\\0" + a } : { host: a, port: Number(b) });
  s.setTimeout(3000);
  s.on("connect", () => done("CONNECTED"));
  s.on("error", (e) => done("REFUSED " + e.code));
  s.on("timeout", () => done("REFUSED timeout"));
}
`;

/** The host's first address on a real interface: what a sandbox reaches like any outside machine would. */
function outsideAddress(): string | undefined {
  for (const addresses of Object.values(os.networkInterfaces())) {
    for (const a of addresses ?? []) if (a.family === "IPv4" && !a.internal) return a.address;
  }
  return undefined;
}

const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => {});
});

describe.skipIf(!hasSandbox || !asRoot)("containment: what an agent's workspace can reach", () => {
  let dataDir: string;
  let baseUrl: string;
  let port: number;
  let sql: postgres.Sql;
  let databaseUrl: string;
  let client: TaskyardClient;
  let echo: string;
  let serverOutput: () => string;

  beforeAll(async () => {
    dataDir = await tempDataDir();
    const server = await startServer({ dataDir, env: { TASKYARD_AGENT_HEARTBEAT_MS: "200" } });
    ({ baseUrl, port } = server);
    serverOutput = server.proc.output;
    cleanups.push(() => fs.rm(dataDir, { recursive: true, force: true }), () => server.proc.stop());
    databaseUrl = await databaseUrlOf(dataDir);
    sql = postgres(databaseUrl, { max: 2, onnotice: () => {} });
    cleanups.push(() => sql.end());
    const { session_token } = await new TaskyardClient({ baseUrl }).login("admin@example.com", "admin-password");
    client = new TaskyardClient({ baseUrl, token: session_token });
    echo = (await client.templates()).find((t) => t.name === "echo")!.active_version_id;
  });

  /** An echo template of its own with these sandbox settings (templates are rows: a new one is a new version). */
  async function echoWith(sandbox: TemplateSandbox): Promise<string> {
    const name = `echo-${randomBytes(3).toString("hex")}`;
    const [template] = await sql`
      INSERT INTO templates (organization_id, name, display_name) SELECT organization_id, ${name}, ${name} FROM templates WHERE name = 'echo' RETURNING id`;
    const [version] = await sql`INSERT INTO template_versions (template_id, name, config) VALUES (${template.id}, 'v1', ${sql.json({ brain: "echo", sandbox })}) RETURNING id`;
    await sql`UPDATE templates SET active_version_id = ${version.id} WHERE id = ${template.id}`;
    return version.id as string;
  }

  /** A task that has written the probe into its workspace and is idle. */
  async function taskWithProbe(version = echo): Promise<Task> {
    const task = await client.createTask({ input: `/write probe.js ${PROBE}`, template_version_id: version });
    await waitForState(client, task.id, "idle", 30_000);
    return task;
  }

  async function say(task: Task, input: string, timeoutMs = 30_000): Promise<string> {
    const before = (await client.logs("me", task.id)).logs.length;
    await client.send("me", task.id, input);
    return waitFor(`a reply to ${input}`, async () => {
      const { logs } = await client.logs("me", task.id);
      const reply = logs.at(-1);
      return logs.length >= before + 2 && reply?.type === "output" && (await client.task("me", task.id)).current_state?.state !== "working" ? reply.content : undefined;
    }, timeoutMs);
  }

  it("reaches no service on the host's loopback: not PostgreSQL, not the server, not another agent, not the instance lock", async () => {
    const other = await taskWithProbe();
    const task = await taskWithProbe();
    const pgPort = new URL(databaseUrl).port;
    const [{ api_url: otherAgent }] = await sql`SELECT api_url FROM workspace_agents WHERE workspace_id = ${other.workspace_id!} ORDER BY created_at DESC LIMIT 1`;
    const agentPort = new URL(otherAgent as string).port;
    const lock = `taskyard:${(await import("node:crypto")).createHash("sha256").update(await fs.realpath(dataDir)).digest("hex")}`;
    // From the host these all answer: the probe is what fails, not the targets.
    for (const [what, args] of [
      ["PostgreSQL", `tcp 127.0.0.1 ${pgPort}`],
      ["the web server", `tcp 127.0.0.1 ${port}`],
      ["another agent", `tcp 127.0.0.1 ${agentPort}`],
      ["the host through slirp's gateway", `tcp 10.0.2.2 ${pgPort}`],
    ] as const) {
      expect(await say(task, `/sh node probe.js ${args}`), what).toMatch(/^REFUSED/);
    }
    expect(await say(task, `/sh node probe.js abstract ${lock}`), "the instance lock").toMatch(/^REFUSED/);
    // psql with the password: even knowing it, there is nothing to connect to.
    const password = (await fs.readFile(path.join(dataDir, "pg-password"), "utf8")).trim();
    const psql = await say(task, `/sh PGPASSWORD=${password} PGCONNECT_TIMEOUT=3 psql -h 127.0.0.1 -p ${pgPort} -U taskyard -c 'select 1' taskyard 2>&1; echo done`);
    expect(psql).not.toMatch(/\(1 row\)/);
  });

  it("a repository URL on the host's loopback is never fetched: the clone has a network of its own too", async () => {
    let hits = 0;
    const server = http.createServer((_req, res) => {
      hits++;
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    cleanups.push(() => new Promise((r) => server.close(r)));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/secret.git`;
    const task = await client.createTask({ input: "hello", template_version_id: echo, rich_parameter_values: [{ name: "repo_url", value: url }] });
    await waitForStatus(client, task.id, "error", 30_000);
    expect(hits).toBe(0);
  });

  it.skipIf(!outsideAddress())("reaches the outside: a server on the host's non-loopback address answers, unless the template turns the network off", async () => {
    const server = http.createServer((_req, res) => res.end("hello from outside"));
    await new Promise<void>((resolve) => server.listen(0, "0.0.0.0", resolve));
    cleanups.push(() => new Promise((r) => server.close(r)));
    const url = `http://${outsideAddress()}:${(server.address() as AddressInfo).port}/`;

    const online = await taskWithProbe();
    expect(await say(online, `/sh node probe.js http ${url}`)).toBe("ANSWER hello from outside\n");

    const offline = await taskWithProbe(await echoWith({ network: "none" }));
    expect(await say(offline, `/sh node probe.js http ${url}`)).toMatch(/^REFUSED/);
  });

  it("a fork bomb in one workspace stops at its pid limit, and another workspace still starts processes", async () => {
    const bomb = await taskWithProbe(await echoWith({ pids: 64 }));
    const bystander = await taskWithProbe();
    const [{ uid: bombUid }] = await sql`SELECT uid FROM workspaces WHERE id = ${bomb.workspace_id!}`;
    const [{ uid: bystanderUid }] = await sql`SELECT uid FROM workspaces WHERE id = ${bystander.workspace_id!}`;
    expect(bystanderUid).not.toBe(bombUid);

    // The bomb's sleepers keep no pipe of the shell's open: its reply comes once the shell has run into the limit.
    const reply = await say(bomb, "/sh for i in $(seq 200); do sleep 30 </dev/null >/dev/null 2>&1 & done; echo forked", 60_000);
    expect(reply).toMatch(/Cannot fork|Resource temporarily unavailable/i);
    const sleepers = processesOfUid(bombUid as number).filter((p) => p.argv[0] === "sleep").length;
    expect(sleepers).toBeGreaterThan(32);
    expect(sleepers).toBeLessThanOrEqual(64);
    // While the bomb holds every pid it may have, the other workspace runs commands as usual.
    const started = Date.now();
    expect(await say(bystander, "/sh echo alive; sleep 0.1 & wait; echo still")).toBe("alive\nstill\n");
    expect(Date.now() - started).toBeLessThan(10_000);
    await client.pause("me", bomb.id);
    await waitForStatus(client, bomb.id, "paused", 30_000);
    await waitFor("the bomb's processes to be gone", async () => processesOfUid(bombUid as number).length === 0, 20_000);
  }, 120_000);

  it("orphans that exit are reaped, so they never count against the pid limit", async () => {
    const task = await taskWithProbe();
    const [{ uid }] = await sql`SELECT uid FROM workspaces WHERE id = ${task.workspace_id!}`;
    expect(await say(task, "/sh for i in 1 2 3 4 5; do (sleep 0.1 &); done; sleep 1; echo done")).toBe("done\n");
    const zombies = async () => {
      let found = 0;
      for (const entry of await fs.readdir("/proc")) {
        const status = await fs.readFile(`/proc/${entry}/status`, "utf8").catch(() => "");
        if (Number(/^Uid:\s+(\d+)/m.exec(status)?.[1]) === uid && /^State:\s+Z/m.test(status)) found++;
      }
      return found;
    };
    expect(await zombies()).toBe(0);
  });

  it("caps /tmp at the template's size", async () => {
    const task = await taskWithProbe(await echoWith({ tmp_mb: 16 }));
    const df = await say(task, "/sh df -k /tmp | tail -1");
    expect(Number(df.trim().split(/\s+/)[1])).toBe(16 * 1024);
    expect(await say(task, "/sh head -c 20M /dev/zero > /tmp/big; echo $?")).toMatch(/No space left on device|^1\n/);
  });

  it("past its disk limit a workspace's processes are stopped and the task says why; freed space lets it go on", async () => {
    const task = await taskWithProbe(await echoWith({ disk_mb: 1 }));
    const [{ uid }] = await sql`SELECT uid FROM workspaces WHERE id = ${task.workspace_id!}`;
    await client.send("me", task.id, "/sh head -c 3000000 /dev/zero > big; sleep 60; echo never");
    const stopped = await waitFor("the disk limit to stop the turn", async () => {
      const state = (await client.task("me", task.id)).current_state;
      return state?.state === "failed" && state.message.includes("limit") ? state.message : undefined;
    }, 30_000);
    // The 2.9 MiB file and the workspace's own git repository (every task has one).
    expect(stopped).toMatch(/uses [34] MiB of disk, over its limit of 1 MiB/);
    expect(processesOfUid(uid as number).filter((p) => p.argv[0] === "sleep")).toEqual([]);
    expect(await say(task, "/sh rm big && echo freed")).toBe("freed\n");
    expect((await client.task("me", task.id)).current_state?.state).toBe("idle");
  });

  it("a workspace of an earlier version (its conversation kept in the workspace) resumes with its conversation", async () => {
    const task = await taskWithProbe();
    await client.pause("me", task.id);
    await waitForStatus(client, task.id, "paused", 30_000);
    // The earlier layout: no state directory, the conversation and prompt in the workspace, the workspace `nobody`'s.
    const state = path.join(dataDir, "agents", task.workspace_id!);
    const workspace = path.join(dataDir, "workspaces", task.workspace_id!);
    for (const name of ["conversation.json", "prompt.txt"]) await fs.copyFile(path.join(state, name), path.join(workspace, name));
    await fs.rm(state, { recursive: true });
    spawnSync("chown", ["-R", "65534:65534", workspace]);
    await client.resume("me", task.id);
    await waitForStatus(client, task.id, "active", 30_000);
    const said = (await client.logs("me", task.id)).logs.map((l) => l.content);
    expect(said[0]).toContain("/write probe.js");
    expect(await say(task, "/sh ls -n probe.js | cut -d' ' -f3")).toBe(`${(await sql`SELECT uid FROM workspaces WHERE id = ${task.workspace_id!}`)[0].uid}\n`);
  });

  it("root follows no link a workspace plants: the agent's log and state live outside it, and a crash's last words reveal nothing", async () => {
    const secret = (await fs.readFile(path.join(dataDir, "pg-password"), "utf8")).trim();
    const outside = path.join(dataDir, "pwned");
    const task = await taskWithProbe();
    // Every name the agent or the provisioner ever kept in a workspace, now a link to a secret or into a root-only directory.
    const links = ["agent.log", "conversation.json", "prompt.txt", ".taskyard/claude-session.json", "conversation.json.tmp"];
    const plant = links.map((l, i) => `mkdir -p $(dirname ${l}) && ln -sf ${i % 2 ? outside : path.join(dataDir, "pg-password")} ${l}`).join(" && ");
    expect(await say(task, `/sh ${plant} && echo planted`)).toBe("planted\n");

    await client.send("me", task.id, "/crash\nssh-ed25519 AAAA attacker\n* * * * * root sh /tmp/x");
    await waitForStatus(client, task.id, "error", 20_000);
    await client.resume("me", task.id);
    await waitForStatus(client, task.id, "active", 30_000);
    await client.pause("me", task.id);
    await waitForStatus(client, task.id, "paused", 30_000);

    const states = await sql`SELECT message FROM workspace_app_statuses WHERE workspace_id = ${task.workspace_id!}`;
    for (const { message } of states) expect(message).not.toContain(secret);
    expect(serverOutput()).not.toContain(secret);
    await expect(fs.stat(outside)).rejects.toThrow(/ENOENT/);
    // The log is root's, in the data dir; the agent's state is the agent uid's, outside the workspace.
    const log = await fs.lstat(path.join(dataDir, "logs", `${task.workspace_id}.log`));
    expect([log.isFile(), log.uid]).toEqual([true, 0]);
    const [{ uid }] = await sql`SELECT uid FROM workspaces WHERE id = ${task.workspace_id!}`;
    expect((await fs.stat(path.join(dataDir, "agents", task.workspace_id!))).uid).toBe(uid + 1);
    expect(JSON.parse(await fs.readFile(path.join(dataDir, "agents", task.workspace_id!, "conversation.json"), "utf8")).messages.length).toBeGreaterThan(2);
  });
});
