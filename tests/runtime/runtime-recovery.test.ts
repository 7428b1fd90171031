import fs from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TaskyardClient } from "../../lib/sdk/client";
import { databaseUrlOf } from "../support/stack-db";
import { isAlive, waitFor, waitForState, waitForStatus } from "../support/runtime";
import { startServer, taskyard, tempDataDir } from "../support/stack";

const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => {});
});

async function adminClient(baseUrl: string) {
  const anon = new TaskyardClient({ baseUrl });
  // After a restart on the same port, a pooled keep-alive socket to the old server may fail once.
  const { session_token } = await waitFor("login", () => anon.login("admin@example.com", "admin-password"), 5000);
  return new TaskyardClient({ baseUrl, token: session_token });
}

describe("provisioner crash and takeover", () => {
  // A server of its own without an in-process provisioner: builds wait for the ones we start.
  let stack: Awaited<ReturnType<typeof startServer>>;
  let dataDir: string;
  let sql: postgres.Sql;
  let client: TaskyardClient;
  let version: string;
  beforeAll(async () => {
    dataDir = await tempDataDir();
    stack = await startServer({ dataDir, args: ["--no-provisioner"] });
    cleanups.push(() => fs.rm(dataDir, { recursive: true, force: true }), () => stack.proc.stop());
    sql = postgres(await databaseUrlOf(dataDir), { max: 2, onnotice: () => {} });
    cleanups.push(() => sql.end());
    client = await adminClient(stack.baseUrl);
    version = (await client.templates()).find((t) => t.name === "echo")!.active_version_id;
  });
  const provisioner = async (env: Record<string, string> = {}) => {
    const p = taskyard(["provisioner"], {
      DATABASE_URL: await databaseUrlOf(dataDir),
      TASKYARD_DATA_DIR: dataDir,
      TASKYARD_LEASE_MS: "1000",
      TASKYARD_ACCESS_URL: stack.baseUrl,
      ...env,
    });
    cleanups.push(() => p.stop("SIGKILL"));
    await waitFor("provisioner up", async () => p.output().includes("waiting for builds"), 15_000);
    return p;
  };

  it("a provisioner killed mid-build leaves the build to another, which finishes it", async () => {
    const task = await client.createTask({ input: "takeover", template_version_id: version });
    const a = await provisioner();
    const [build] = await sql`SELECT id FROM workspace_builds WHERE workspace_id = ${task.workspace_id!}`;
    const owner = await waitFor("A to claim the build", async () => {
      const [b] = await sql`SELECT lease_owner FROM workspace_builds WHERE id = ${build.id}`;
      return b.lease_owner as string | null;
    }, 10_000, 2);
    await a.stop("SIGKILL");
    const [afterKill] = await sql`SELECT job_status, lease_owner FROM workspace_builds WHERE id = ${build.id}`;
    expect(afterKill).toMatchObject({ job_status: "running", lease_owner: owner });

    const b = await provisioner();
    const done = await waitFor("B to finish the build", async () => {
      const [row] = await sql`SELECT job_status, lease_owner FROM workspace_builds WHERE id = ${build.id}`;
      return row.job_status !== "running" ? row : undefined;
    }, 20_000);
    expect(done).toMatchObject({ job_status: "succeeded", lease_owner: null });
    await waitForStatus(client, task.id, "active");
    await waitForState(client, task.id, "idle");
    expect((await client.logs("me", task.id)).logs.map((l) => l.content)).toEqual(["takeover", "You said: takeover"]);
    const agents = await sql`SELECT id, pid, lifecycle_state, created_at FROM workspace_agents WHERE workspace_id = ${task.workspace_id!} ORDER BY created_at`;
    expect(agents.filter((r) => isAlive(r.pid as number)), JSON.stringify(agents) + a.output() + b.output()).toHaveLength(1);
    await client.deleteTask("me", task.id);
    await waitFor("workspace deleted", async () => {
      const [last] = await sql`SELECT job_status FROM workspace_builds WHERE workspace_id = ${task.workspace_id!} ORDER BY build_number DESC LIMIT 1`;
      return last.job_status === "succeeded";
    });
    await b.stop();
  });

  it("an agent that never connects fails its build with a clear error (never a hung initializing)", async () => {
    // A server that accepts connections and never answers: the agent cannot report in.
    const silent = http.createServer(() => {});
    await new Promise<void>((r) => silent.listen(0, "127.0.0.1", r));
    cleanups.push(() => new Promise((r) => { silent.closeAllConnections(); silent.close(r); }));
    const task = await client.createTask({ input: "never connects", template_version_id: version });
    const p = await provisioner({
      TASKYARD_AGENT_CONNECT_TIMEOUT_MS: "1500",
      TASKYARD_ACCESS_URL: `http://127.0.0.1:${(silent.address() as AddressInfo).port}`,
    });
    const errored = await waitForStatus(client, task.id, "error", 15_000).catch((e) => {
      throw new Error(`${e.message}\n${p.output()}`);
    });
    expect(errored.workspace_status).toBe("failed");
    const [failed] = await sql`SELECT job_status, job_error FROM workspace_builds WHERE workspace_id = ${task.workspace_id!}`;
    expect(failed.job_status).toBe("failed");
    expect(failed.job_error).toContain("did not connect within 2 s");
    await p.stop();
  });

  it("an agent whose command cannot run says why in the task's state", async () => {
    const [agentapi] = await sql`SELECT tv.id FROM template_versions tv JOIN templates t ON t.id = tv.template_id WHERE t.name = 'agentapi'`;
    // A command that is there (a missing one is refused at create: the template is unavailable) but fails at once.
    await sql`UPDATE template_versions SET config = ${sql.json({ brain: "agentapi", command: ["/bin/false", "--port", "$PORT"] })} WHERE id = ${agentapi.id}`;
    const task = await client.createTask({ input: "custom agent", template_version_id: agentapi.id as string });
    const p = await provisioner();
    const errored = await waitForStatus(client, task.id, "error", 15_000).catch(async (e) => {
      const log = await fs.readFile(`${dataDir}/workspaces/${task.workspace_id}/agent.log`, "utf8").catch(() => "(no agent.log)");
      throw new Error(`${e.message}\n${JSON.stringify(await client.task("me", task.id))}\n${log}\n${p.output()}`);
    });
    expect(errored.current_state?.state).toBe("failed");
    expect(errored.current_state?.message).toContain("/bin/false exited with code 1");
    await p.stop();
  });
});

describe("restart reconciliation", () => {
  it("restarts agents whose workspace should run, with the conversation intact, and stops orphans", async () => {
    const dataDir = await tempDataDir();
    cleanups.push(() => fs.rm(dataDir, { recursive: true, force: true }));
    let server = await startServer({ dataDir });
    cleanups.push(() => server.proc.stop());
    let client = await adminClient(server.baseUrl);
    const version = (await client.templates()).find((t) => t.name === "echo")!.active_version_id;
    const keep = await client.createTask({ input: "keep me running", template_version_id: version });
    const orphan = await client.createTask({ input: "will be stopped", template_version_id: version });
    await waitForState(client, keep.id, "idle");
    await waitForState(client, orphan.id, "idle");

    // 1) A clean stop takes the agents down; the next start brings the running workspace back.
    await server.proc.stop();
    server = await startServer({ dataDir, port: server.port });
    client = await adminClient(server.baseUrl);
    await waitForStatus(client, keep.id, "active", 20_000);
    const restored = await client.logs("me", keep.id);
    expect(restored.logs.map((l) => l.content)).toEqual(["keep me running", "You said: keep me running"]);

    // 2) The launcher is killed outright: its agents live on. While it is down, one workspace is
    //    stopped behind its back; the next start must stop that orphan and keep the other.
    const pidOf = async (sql: postgres.Sql, workspaceId: string) =>
      (await sql`SELECT pid FROM workspace_agents WHERE workspace_id = ${workspaceId} ORDER BY created_at DESC LIMIT 1`)[0].pid as number;
    await waitForStatus(client, orphan.id, "active", 20_000);
    const sql = postgres(await databaseUrlOf(dataDir), { max: 1, onnotice: () => {} });
    const keepPid = await pidOf(sql, keep.workspace_id!);
    const orphanPid = await pidOf(sql, orphan.workspace_id!);
    await server.proc.stop("SIGKILL");
    expect(isAlive(keepPid) && isAlive(orphanPid)).toBe(true);
    await sql`
      INSERT INTO workspace_builds (workspace_id, build_number, transition, template_version_id, job_status, completed_at)
      SELECT workspace_id, build_number + 1, 'stop', template_version_id, 'succeeded', now()
      FROM workspace_builds WHERE workspace_id = ${orphan.workspace_id!} ORDER BY build_number DESC LIMIT 1`;
    await sql.end();
    // Its web server notices its launcher is gone and exits (within 0.5 s); it must not pass for the next one.
    await waitFor("the orphaned web server gone", async () => !(await fetch(`${server.baseUrl}/healthz`).then((r) => r.ok, () => false)), 10_000);

    server = await startServer({ dataDir, port: server.port });
    client = await adminClient(server.baseUrl);
    await waitFor("orphan stopped", async () => !isAlive(orphanPid), 15_000);
    expect(isAlive(keepPid)).toBe(true);
    expect((await client.task("me", keep.id)).status).toBe("active");
    expect((await client.task("me", orphan.id)).status).toBe("paused");
  }, 120_000); // three server starts and a PostgreSQL recovery
});
