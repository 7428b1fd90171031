import { spawnSync } from "node:child_process";
import fs from "node:fs/promises";
import path from "node:path";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TaskyardClient, type Task } from "../../lib/sdk/client";
import { environOf, isAlive, processesOfUid, waitFor, waitForState, waitForStatus } from "../support/runtime";
import { databaseUrlOf } from "../support/stack-db";
import { startServer, tempDataDir } from "../support/stack";

const ROOT = path.resolve(import.meta.dirname, "../..");
const hasBubblewrap = spawnSync("bwrap", ["--version"]).status === 0;
const asRoot = process.getuid?.() === 0;

/** What the server's environment holds and no agent may see. */
const SERVER_SECRETS = {
  TASKYARD_ADMIN_PASSWORD: "admin-password",
  ANTHROPIC_API_KEY: "sk-ant-server-key-do-not-leak",
  SERVER_ONLY_SECRET: "hunter2-server-only",
};
const AGENT_ENV_ALLOWED = new Set(["PATH", "HOME", "PWD", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "TASKYARD_PROCESS", "TASKYARD_AGENT_HEARTBEAT_MS"]);

const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => {});
});

describe.skipIf(!hasBubblewrap)("agents in their bubblewrap sandbox", () => {
  let dataDir: string;
  let baseUrl: string;
  let sql: postgres.Sql;
  let client: TaskyardClient;
  let echo: string;
  let pgPassword: string;

  beforeAll(async () => {
    dataDir = await tempDataDir();
    const server = await startServer({ dataDir, env: { ...SERVER_SECRETS, TASKYARD_AGENT_HEARTBEAT_MS: "200" } });
    baseUrl = server.baseUrl;
    cleanups.push(() => fs.rm(dataDir, { recursive: true, force: true }), () => server.proc.stop());
    pgPassword = (await fs.readFile(path.join(dataDir, "pg-password"), "utf8")).trim();
    sql = postgres(await databaseUrlOf(dataDir), { max: 2, onnotice: () => {} });
    cleanups.push(() => sql.end());
    const { session_token } = await new TaskyardClient({ baseUrl }).login("admin@example.com", "admin-password");
    client = new TaskyardClient({ baseUrl, token: session_token });
    echo = (await client.templates()).find((t) => t.name === "echo")!.active_version_id;
  });

  const lastReply = async (task: Task) => (await client.logs("me", task.id)).logs.at(-1)!.content;
  const expectNoSecret = (text: string) => {
    for (const secret of [...Object.values(SERVER_SECRETS), pgPassword]) expect(text).not.toContain(secret);
  };

  it("says so: buildinfo reports bubblewrap, the data dir is 0700 and the database password 0600", async () => {
    expect((await (await fetch(`${baseUrl}/api/v2/buildinfo`)).json()).sandbox).toBe("bubblewrap");
    // Root's, with only PostgreSQL's group let through to its cluster (tests/api/database-role.test.ts has the whole layout).
    expect((await fs.stat(dataDir)).mode & 0o777).toBe(asRoot ? 0o710 : 0o700);
    expect((await fs.stat(path.join(dataDir, "pg-password"))).mode & 0o777).toBe(0o600);
  });

  const uidOf = async (task: Task) => (await sql`SELECT uid FROM workspaces WHERE id = ${task.workspace_id!}`)[0].uid as number;

  it("lets a workspace process read neither the database password, another workspace, the agent's token nor the server's environment", async () => {
    const other = await client.createTask({ input: "/sh echo other-users-file-content > mine.txt && echo wrote", template_version_id: echo });
    await waitFor("the other task's file", async () => (await client.task("me", other.id)).current_state?.message === "wrote");

    const probe = [
      "id -u",
      "env",
      `cat ${dataDir}/pg-password`,
      "cat ../../pg-password",
      `cat ${dataDir}/workspaces/${other.workspace_id}/mine.txt`,
      "cat ../*/mine.txt",
      `ls ${dataDir}`,
      // Every process the workspace can see, and pid 1's environment: the agent (with its token) is none of them.
      "cat /proc/[0-9]*/cmdline | tr '\\0' ' '",
      "tr '\\0' '\\n' < /proc/1/environ",
      // Until the test has looked at it from outside, however busy the machine is.
      "while [ ! -e seen ]; do sleep 0.05; done",
    ].join("; ");
    const task = await client.createTask({ input: `/sh ${probe}`, template_version_id: echo });
    await waitForState(client, task.id, "working", 20_000);

    // From outside, while the shell runs: the agent runs as the workspace's uid + 1, the shell as the workspace's.
    const uid = await uidOf(task);
    const tree = await waitFor("the agent and the workspace's shell", async () => {
      const agent = processesOfUid(uid + 1).find((p) => p.argv.includes("agent") && p.argv.includes("--token-fd"));
      const shell = processesOfUid(uid).find((p) => p.argv[0] === "sh" && p.argv[2]?.startsWith("id -u"));
      return agent && shell ? { agent, shell } : undefined;
    });
    const agentEnv = environOf(tree.agent.pid);
    for (const name of Object.keys(agentEnv)) expect(AGENT_ENV_ALLOWED, `agent env ${name}`).toContain(name);
    expect(agentEnv.HOME).toBe("/state");
    expect(agentEnv.PWD ?? "/state").toBe("/state"); // not the host path of the data dir
    const shellEnv = environOf(tree.shell.pid);
    expect(shellEnv.HOME).toBe("/workspace");
    expect(Object.keys(shellEnv).filter((name) => name.startsWith("TASKYARD_"))).toEqual([]);
    expectNoSecret(JSON.stringify([agentEnv, shellEnv]));
    // The shell runs in the task's repository (one of its own: the task has none).
    await fs.writeFile(path.join(dataDir, "workspaces", task.workspace_id!, "repo", "seen"), "");

    await waitForState(client, task.id, "idle", 20_000);
    const output = await lastReply(task);
    if (asRoot) expect(output.split("\n")[0]).toBe(String(uid));
    expectNoSecret(output);
    expect(output).not.toContain("other-users-file-content");
    expect(output).not.toContain("TASKYARD_AGENT_TOKEN");
    expect(output).not.toContain("--token-fd");
    expect(output).toContain("workspace-runtime");
    expect(output.match(/No such file or directory/g)?.length).toBeGreaterThanOrEqual(4);
  });

  it("hands a coding agent the variables its template declares (for the model provider's key, the gateway and its own key), and nothing of Taskyard's", async () => {
    const [version] = await sql`SELECT tv.id FROM template_versions tv JOIN templates t ON t.id = tv.template_id WHERE t.name = 'agentapi'`;
    // The coding agent: a shell that writes down its environment, then runs an AgentAPI server of ours.
    await sql`UPDATE template_versions SET config = ${sql.json({
      brain: "agentapi",
      command: ["sh", "-c", 'env > child-env.txt; exec "$0" "$@"', process.execPath, path.join(ROOT, "bin/taskyard.mjs"), "agentapi-server", "--port", "$PORT"],
      env: ["ANTHROPIC_API_KEY"],
    })} WHERE id = ${version.id}`;
    const task = await client.createTask({ input: "who am I", template_version_id: version.id as string });
    await waitForStatus(client, task.id, "active", 30_000);
    const childEnv = await fs.readFile(path.join(dataDir, "workspaces", task.workspace_id!, "child-env.txt"), "utf8");
    // The server's model key stays in the server: the coding agent gets the model gateway and its agent's own key for it.
    expect(childEnv).not.toContain(SERVER_SECRETS.ANTHROPIC_API_KEY);
    expect(childEnv).toMatch(/^ANTHROPIC_API_KEY=tyk-[0-9a-f]{64}$/m);
    expect(childEnv).toMatch(/^ANTHROPIC_BASE_URL=http:\/\/127\.0\.0\.1:\d+\/api\/v2\/aigateway\/anthropic$/m);
    expect(childEnv).not.toMatch(/^TASKYARD_/m);
    expect(childEnv).not.toContain(SERVER_SECRETS.SERVER_ONLY_SECRET);
    expect(childEnv).not.toContain(SERVER_SECRETS.TASKYARD_ADMIN_PASSWORD);
    await client.deleteTask("me", task.id);
  });

  it("stops everything an agent started when it stops, even a process that left its group", async () => {
    const task = await client.createTask({
      input: "/sh sleep 300 >/dev/null 2>&1 & setsid sleep 301 >/dev/null 2>&1 </dev/null & echo started",
      template_version_id: echo,
    });
    await waitFor("started", async () => (await client.task("me", task.id)).current_state?.message === "started", 20_000);
    const sleepers = processesOfUid(await uidOf(task)).filter((p) => p.argv[0] === "sleep");
    expect(sleepers.map((p) => p.argv[1]).sort()).toEqual(["300", "301"]);

    await client.pause("me", task.id);
    await waitForStatus(client, task.id, "paused");
    for (const { pid } of sleepers) expect(isAlive(pid), `sleep ${pid}`).toBe(false);
  });
});

describe.skipIf(!hasBubblewrap)("an orphaned sandboxed agent", () => {
  it("exits once its workspace directory is removed, although its bind mount outlives the directory", async () => {
    const dataDir = await tempDataDir();
    const server = await startServer({ dataDir, env: { TASKYARD_AGENT_HEARTBEAT_MS: "200" } });
    cleanups.push(() => fs.rm(dataDir, { recursive: true, force: true }), () => server.proc.stop());
    const { session_token } = await new TaskyardClient({ baseUrl: server.baseUrl }).login("admin@example.com", "admin-password");
    const client = new TaskyardClient({ baseUrl: server.baseUrl, token: session_token });
    const echo = (await client.templates()).find((t) => t.name === "echo")!.active_version_id;
    const task = await client.createTask({ input: "hello", template_version_id: echo });
    await waitForState(client, task.id, "idle", 20_000);
    const sql = postgres(await databaseUrlOf(dataDir), { max: 1, onnotice: () => {} });
    const [{ pid }] = await sql`SELECT pid FROM workspace_agents WHERE workspace_id = ${task.workspace_id!}`;
    await sql.end();
    // The launcher dies outright (its agents live on), then someone removes the workspace.
    await server.proc.stop("SIGKILL");
    expect(isAlive(pid)).toBe(true);
    await fs.rm(path.join(dataDir, "workspaces", task.workspace_id!), { recursive: true, force: true });
    await waitFor("the orphaned agent to exit", async () => !isAlive(pid), 10_000);
    // The killed launcher's PostgreSQL lives on too: stop it.
    const postmaster = Number((await fs.readFile(path.join(dataDir, "pg", "postmaster.pid"), "utf8")).split("\n")[0]);
    process.kill(postmaster, "SIGINT");
    await waitFor("PostgreSQL to stop", async () => !isAlive(postmaster), 10_000);
  });
});

describe("without bubblewrap", () => {
  it("starts anyway, with one warning line and buildinfo saying sandbox: none", async () => {
    const dataDir = await tempDataDir();
    const server = await startServer({ dataDir, env: { TASKYARD_SANDBOX: "none" }, args: ["--no-provisioner"] });
    cleanups.push(() => fs.rm(dataDir, { recursive: true, force: true }), () => server.proc.stop());
    expect((await (await fetch(`${server.baseUrl}/api/v2/buildinfo`)).json()).sandbox).toBe("none");
    expect(server.proc.output().match(/WITHOUT a sandbox/g)).toHaveLength(1);
    // …and `npm start` says which sandbox is in force under its address.
    expect(server.proc.output()).toContain('Sandbox: none (TASKYARD_SANDBOX=none); agents have this OS user\'s access (README: "Sandbox")');
  });
});
