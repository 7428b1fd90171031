import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TaskyardClient, type Task, type TaskSetupLog } from "../../lib/sdk/client";
import type { TemplateConfig } from "../../lib/db/schema/templates";
import { processesOfUid, waitFor, waitForState, waitForStatus } from "../support/runtime";
import { databaseUrlOf } from "../support/stack-db";
import { startServer, tempDataDir } from "../support/stack";
import { insertTemplateVersion } from "../support/templates";

/**
 * A template's setup script, end to end: a server of its own (so the template can be given a
 * variable of the server's environment, and the server's log can be read), real builds in the real
 * sandbox, a real git repository cloned into each workspace.
 */
const hasSandbox = spawnSync("bwrap", ["--version"]).status === 0;
const asRoot = process.getuid?.() === 0;
/** A value of the server's environment the templates below declare: what a template's secret is to a script. */
const SECRET = "sk-setup-test-4f9c2b7e1d";

const git = (cwd: string, ...args: string[]) => execFileSync("git", ["-c", "safe.directory=*", ...args], { cwd, encoding: "utf8" }).trim();

let dataDir: string;
let repoRoot: string;
let origin: string;
let sql: postgres.Sql;
let client: TaskyardClient;
let serverOutput: () => string;
let baseUrl: string;
let token: string;
const cleanups: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  repoRoot = await fs.mkdtemp(path.join(os.tmpdir(), "taskyard-setup-repos-"));
  await fs.chmod(repoRoot, 0o755);
  cleanups.push(() => fs.rm(repoRoot, { recursive: true, force: true }));
  origin = path.join(repoRoot, "origin.git");
  const work = path.join(repoRoot, "work");
  git(repoRoot, "init", "--quiet", "--bare", "--initial-branch=main", origin);
  git(repoRoot, "clone", "--quiet", origin, work);
  await fs.writeFile(path.join(work, "README.md"), "# Demo\n");
  git(work, "add", ".");
  git(work, "-c", "user.name=Test", "-c", "user.email=test@example.com", "commit", "--quiet", "-m", "initial");
  git(work, "push", "--quiet", "origin", "main");

  dataDir = await tempDataDir();
  cleanups.push(() => fs.rm(dataDir, { recursive: true, force: true }));
  const server = await startServer({ dataDir, env: { TASKYARD_LOCAL_REPO_ROOTS: repoRoot, SETUP_TEST_TOKEN: SECRET } });
  serverOutput = server.proc.output;
  baseUrl = server.baseUrl;
  cleanups.push(() => server.proc.stop());
  sql = postgres(await databaseUrlOf(dataDir), { max: 2, onnotice: () => {} });
  cleanups.push(() => sql.end());
  ({ session_token: token } = await new TaskyardClient({ baseUrl }).login("admin@example.com", "admin-password"));
  client = new TaskyardClient({ baseUrl, token });
}, 120_000);

afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => {});
});

const template = (config: Omit<TemplateConfig, "brain">) => insertTemplateVersion(sql, { brain: "echo", env: ["SETUP_TEST_TOKEN"], ...config }, "setup");

async function repoTask(version: string, input = "hello"): Promise<Task> {
  return client.createTask({ input, template_version_id: version, rich_parameter_values: [{ name: "repo_url", value: `file://${origin}` }] });
}

async function setupLog(task: Task): Promise<TaskSetupLog | null> {
  return (await client.setupLog("me", task.id)).setup_log;
}

/** Sends `input` and answers the agent's reply (for `/sh`, the command's output). */
async function say(task: Task, input: string, as = client): Promise<string> {
  const before = (await as.logs("me", task.id)).logs.length;
  await as.send("me", task.id, input);
  return waitFor(`a reply to ${input}`, async () => {
    const { logs } = await as.logs("me", task.id);
    const reply = logs.at(-1);
    return logs.length >= before + 2 && reply?.type === "output" && (await as.task("me", task.id)).current_state?.state !== "working" ? reply.content : undefined;
  }, 30_000);
}

async function workspaceUid(task: Task): Promise<number> {
  const [row] = await sql`SELECT uid FROM workspaces WHERE id = ${task.workspace_id!}`;
  return row.uid as number;
}

describe("a template's setup script", () => {
  it("runs in the checkout, in the sandbox as the workspace's uid, before the agent, which then sees what it installed; again at every start", async () => {
    const version = await template({
      setup_script: [
        "echo installing into $(pwd)",
        "echo installed-by-setup > .setup-installed",
        "date +%s%N >> .setup-runs",
        'echo "uid=$(id -u) home=$HOME taskyard_vars=$(env | grep -c ^TASKYARD_)"',
        'echo "token=$SETUP_TEST_TOKEN"',
        "echo a warning >&2",
      ].join("\n"),
    });
    const task = await repoTask(version);
    await waitForState(client, task.id, "idle", 60_000);

    // The agent starts only after the script: it finds the file in its repository.
    expect(await say(task, "/sh cat .setup-installed")).toContain("installed-by-setup");
    const log = (await setupLog(task))!;
    expect(log).toMatchObject({ build_number: 1, status: "succeeded", exit_code: 0, truncated: false, timeout_seconds: 600 });
    expect(log.finished_at).not.toBeNull();
    expect(log.output).toContain(`installing into ${hasSandbox ? "/workspace/repo" : ""}`);
    expect(log.output).toContain("a warning");
    // Its own uid (the workspace's, as the agent's commands), HOME the workspace, none of Taskyard's settings.
    if (hasSandbox && asRoot) expect(log.output).toContain(`uid=${await workspaceUid(task)} home=/workspace taskyard_vars=0`);
    else expect(log.output).toContain("taskyard_vars=0");
    // The template's variable reached the script; its value is kept out of the stored log.
    expect(log.output).toContain("token=[redacted]");
    expect(log.output).not.toContain(SECRET);
    expect(log.output_bytes).toBeGreaterThan(0);

    // Pause and resume: the log of the first start stays readable while paused, and the script runs again at the next start.
    await client.pause("me", task.id);
    await waitForStatus(client, task.id, "paused", 30_000);
    expect((await setupLog(task))?.build_number).toBe(1);
    await client.resume("me", task.id);
    await waitForState(client, task.id, "idle", 60_000);
    expect((await say(task, "/sh wc -l < .setup-runs")).trim()).toMatch(/\b2\b/);
    expect(await setupLog(task)).toMatchObject({ build_number: 3, status: "succeeded" });

    // The secret is in no API answer and no server log line.
    for (const answer of [await client.task("me", task.id), await client.setupLog("me", task.id), await client.logs("me", task.id)]) {
      expect(JSON.stringify(answer)).not.toContain(SECRET);
    }
    expect(serverOutput()).not.toContain(SECRET);
  });

  it("a script that fails fails the build with its exit code and last lines; resume runs it again", async () => {
    // Fails the first time only: what a flaky `npm ci` looks like.
    const version = await template({
      setup_script: ['if [ -f .tried ]; then echo "second try works"; exit 0; fi', "touch .tried", "echo step one", 'echo "npm ERR! could not resolve left-pad" >&2', "exit 3"].join("\n"),
    });
    const task = await repoTask(version);
    const failed = await waitForStatus(client, task.id, "error", 60_000);
    expect(failed.current_state?.state).toBe("failed");
    expect(failed.current_state?.message).toContain("The setup script exited with code 3");
    expect(failed.current_state?.message).toContain("npm ERR! could not resolve left-pad");
    expect(failed.workspace_status).toBe("failed");
    // No agent was started for it.
    const agents = await sql`SELECT count(*)::int AS n FROM workspace_agents WHERE workspace_id = ${task.workspace_id!}`;
    expect(agents[0].n).toBe(0);
    expect(await setupLog(task)).toMatchObject({ status: "failed", exit_code: 3 });
    // The server's log says that it failed, never what it wrote.
    await waitFor("the failure in the server's log", async () => serverOutput().includes("The setup script exited with code 3"), 10_000);
    expect(serverOutput()).not.toContain("could not resolve left-pad");
    expect((await setupLog(task))!.output).toContain("step one");

    await client.resume("me", task.id);
    await waitForState(client, task.id, "idle", 60_000);
    expect(await setupLog(task)).toMatchObject({ build_number: 2, status: "succeeded", exit_code: 0 });
    expect((await setupLog(task))!.output).toContain("second try works");
  });

  it("a script past its time limit is killed with everything it started, and the build fails saying so", async () => {
    const version = await template({ setup_script: "echo waiting forever\nsleep 600 &\nsleep 600", setup_timeout_s: 2 });
    const started = Date.now();
    const task = await repoTask(version);
    const failed = await waitForStatus(client, task.id, "error", 60_000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(2000);
    expect(failed.current_state?.message).toContain("The setup script did not finish within 2 s and was killed");
    expect(failed.current_state?.message).toContain("waiting forever");
    const log = (await setupLog(task))!;
    expect(log).toMatchObject({ status: "timed_out", timeout_seconds: 2 });
    expect(log.exit_code).toBeNull();
    // Neither sleep is left: the whole sandbox went.
    if (hasSandbox && asRoot) {
      const uid = await workspaceUid(task);
      await waitFor("the script's processes to be gone", async () => processesOfUid(uid).length === 0, 10_000);
    }
  });

  it("shows its output while it runs, and keeps it after", async () => {
    const version = await template({ setup_script: "echo first line\nsleep 3\necho second line\nsleep 3\necho third line" });
    const task = await repoTask(version);
    const live = await waitFor("the first line while the script runs", async () => {
      const log = await setupLog(task);
      return log?.status === "running" && log.output.includes("first line") ? log : undefined;
    }, 60_000, 100);
    expect(live.output).not.toContain("third line");
    expect(live.finished_at).toBeNull();
    expect((await client.task("me", task.id)).status).toBe("initializing");
    await waitForState(client, task.id, "idle", 60_000);
    const kept = (await setupLog(task))!;
    expect(kept.status).toBe("succeeded");
    expect(kept.output).toBe("first line\nsecond line\nthird line\n");
  });

  it("keeps only the tail of a long output", async () => {
    const version = await template({ setup_script: "i=0; while [ $i -lt 3000 ]; do echo \"line $i of a long install log, padded to some length\"; i=$((i+1)); done" });
    const task = await repoTask(version);
    await waitForState(client, task.id, "idle", 60_000);
    const log = (await setupLog(task))!;
    expect(log.truncated).toBe(true);
    expect(log.output.length).toBeLessThanOrEqual(64 * 1024);
    expect(log.output).toContain("line 2999 of");
    expect(log.output).not.toContain("line 0 of");
    expect(log.output_bytes).toBeGreaterThan(64 * 1024);
  });

  it("is 404 for someone else's task, like every task route, and goes when the task is deleted", async () => {
    const version = await template({ setup_script: "echo mine" });
    const task = await repoTask(version);
    const other = await client.createUser({ email: "setup-other@example.com", username: "setupother", password: "password-123", role: "member" });
    const { key } = await client.createApiKey(other.id);
    const res = await fetch(`${baseUrl}/api/v2/tasks/admin/${task.id}/setup-log`, { headers: { "Coder-Session-Token": key } });
    expect(res.status).toBe(404);
    expect(await res.text()).not.toContain("mine");
    await waitForState(client, task.id, "idle", 60_000);
    const own = await fetch(`${baseUrl}/api/experimental/tasks/admin/${task.id}/setup-log`, { headers: { "Coder-Session-Token": token } });
    expect(own.status).toBe(200);
    expect((await own.json()).setup_log.output).toBe("mine\n");

    // Deleted with its task: the delete build removes its logs along with the workspace.
    await client.deleteTask("me", task.id);
    await waitFor("the setup logs to go with the workspace", async () => (await sql`SELECT count(*)::int AS n FROM setup_logs WHERE workspace_id = ${task.workspace_id!}`)[0].n === 0, 30_000);
  });

  it("a server stopped while the script runs kills it; started again, it runs the script anew and goes on", async () => {
    const dir = await tempDataDir();
    cleanups.push(() => fs.rm(dir, { recursive: true, force: true }));
    const env = { TASKYARD_LOCAL_REPO_ROOTS: repoRoot, TASKYARD_LEASE_MS: "2000" };
    let server = await startServer({ dataDir: dir, env });
    cleanups.push(() => server.proc.stop());
    const connect = async () => {
      const { session_token } = await new TaskyardClient({ baseUrl: server.baseUrl }).login("admin@example.com", "admin-password");
      return new TaskyardClient({ baseUrl: server.baseUrl, token: session_token });
    };
    let other = await connect();
    const db = postgres(await databaseUrlOf(dir), { max: 1, onnotice: () => {} });
    const version = await insertTemplateVersion(db, { brain: "echo", setup_script: "date +%s%N >> .setup-runs\necho started\nsleep 8\necho finished" }, "restart");
    const task = await other.createTask({ input: "hello", template_version_id: version, rich_parameter_values: [{ name: "repo_url", value: `file://${origin}` }] });
    await waitFor("the script to run", async () => (await other.setupLog("me", task.id)).setup_log?.output.includes("started"), 60_000, 100);
    const [{ uid }] = await db`SELECT uid FROM workspaces WHERE id = ${task.workspace_id!}`;
    await db.end();

    await server.proc.stop();
    // The script went with the provisioner that ran it.
    if (hasSandbox && asRoot) expect(processesOfUid(uid as number)).toEqual([]);

    server = await startServer({ dataDir: dir, env });
    other = await connect();
    await waitForState(other, task.id, "idle", 90_000);
    const log = (await other.setupLog("me", task.id)).setup_log!;
    expect(log).toMatchObject({ build_number: 1, status: "succeeded" });
    expect(log.output).toBe("started\nfinished\n");
    expect((await say(task, "/sh wc -l < .setup-runs", other)).trim()).toMatch(/\b2\b/);
  }, 240_000);
});

