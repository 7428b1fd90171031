import { execFileSync } from "node:child_process";
import fs from "node:fs/promises";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it, inject } from "vitest";
import type { Task } from "../../lib/sdk/client";
import { randomBytes, createHash } from "node:crypto";
import postgres from "postgres";
import { createTestUser, echoTemplateVersion, type TestUser } from "../support/api";
import { ownerOf, startExtraServer, type ExtraServer } from "../support/extra-server";
import { isToolResult, lastUserText, startFakeAnthropic, textOf, type MessagesRequest, type ScriptedAnswer } from "../support/fake-anthropic";
import { db, isAlive, say as sayTo, waitFor, waitForState, waitForStatus } from "../support/runtime";

/**
 * README "What survives a lost host": at the end of every turn the agent uploads its work snapshot
 * (conversation state, a bundle of the task's branch, the uncommitted diff); a start on a host
 * without the workspace rebuilds it from that, and the agent goes on from there.
 */

const git = (cwd: string, ...args: string[]) => execFileSync("git", ["-c", "safe.directory=*", ...args], { cwd, encoding: "utf8" }).trimEnd();

let tmp: string;
let origin: string;
let alice: TestUser;

beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(inject("repoRoot"), "snap-"));
  origin = path.join(tmp, "origin.git");
  const work = path.join(tmp, "work");
  git(tmp, "init", "--quiet", "--bare", "--initial-branch=main", origin);
  git(tmp, "clone", "--quiet", origin, work);
  await fs.writeFile(path.join(work, "README.md"), "# Demo\n");
  git(work, "add", ".");
  git(work, "-c", "user.name=Test", "-c", "user.email=test@example.com", "commit", "--quiet", "-m", "initial");
  await fs.writeFile(path.join(work, "second.txt"), "two\n");
  git(work, "add", ".");
  git(work, "-c", "user.name=Test", "-c", "user.email=test@example.com", "commit", "--quiet", "-m", "second");
  git(work, "push", "--quiet", "origin", "main");
  await fs.chmod(tmp, 0o755);
  alice = await createTestUser();
});
afterAll(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

type Row = { turn: number; head_commit: string | null; base_commit: string | null; branch: string | null; bundle: Buffer | null; diff: Buffer | null; agent_state: Buffer; dropped: string | null; total_bytes: number };

async function snapshotRow(taskId: string): Promise<Row | undefined> {
  const [row] = await db()`SELECT turn, head_commit, base_commit, branch, bundle, diff, agent_state, dropped, total_bytes FROM work_snapshots WHERE task_id = ${taskId}`;
  return row as Row | undefined;
}

/** The row once it holds the snapshot of `turn` turns. */
async function snapshotOfTurn(task: Task, turn: number): Promise<Row> {
  let agentLog = "";
  return waitFor(`the work snapshot of turn ${turn}`, async () => {
    const row = await snapshotRow(task.id);
    agentLog = await fs.readFile(path.join(dataDir(), "logs", `${task.workspace_id}.log`), "utf8").catch(() => "");
    return row && row.turn >= turn ? row : undefined;
  }, 30_000, 100, () => `agent log: ${agentLog.slice(-1500)}`);
}

const dataDir = () => inject("dataDir");
const repoOf = (task: Task) => path.join(dataDir(), "workspaces", task.workspace_id!, "repo");

/** A host lost: its agent gone at once (no goodbye, no pause snapshot) and its directories with it. */
async function loseHost(task: Task) {
  const [agent] = await db()`SELECT pid FROM workspace_agents WHERE workspace_id = ${task.workspace_id!} ORDER BY created_at DESC LIMIT 1`;
  try {
    process.kill(-agent.pid, "SIGKILL");
  } catch {
    // gone already
  }
  await waitFor("the agent to be gone", async () => !isAlive(agent.pid));
  await fs.rm(path.join(dataDir(), "workspaces", task.workspace_id!), { recursive: true, force: true });
  await fs.rm(path.join(dataDir(), "agents", task.workspace_id!), { recursive: true, force: true });
}

const say = (task: Task, input: string) => sayTo(alice.client, task.id, input);

async function createTask(params: { name: string; value: string }[], input: string): Promise<Task> {
  const task = await alice.client.createTask({ input, template_version_id: await echoTemplateVersion(), rich_parameter_values: params });
  await waitForStatus(alice.client, task.id, "active", 30_000);
  await waitForState(alice.client, task.id, "idle");
  return task;
}

async function resumeAfterLoss(task: Task) {
  await waitForStatus(alice.client, task.id, "error", 30_000);
  await alice.client.resume("me", task.id);
  await waitForStatus(alice.client, task.id, "active", 60_000);
  await waitForState(alice.client, task.id, "idle");
}

describe("work snapshots", () => {
  it("are replaced after every turn, and rebuild a lost workspace of a cloned repository: commits, uncommitted and untracked files, conversation", async () => {
    const task = await createTask([{ name: "repo_url", value: `file://${origin}` }], "Start the snapshot task");
    const base = git(origin, "rev-parse", "main");
    const branch = `taskyard/${task.name}`;

    const first = await snapshotOfTurn(task, 1);
    expect(first).toMatchObject({ turn: 1, head_commit: base, base_commit: base, branch, bundle: null, diff: null, dropped: null });
    const state = JSON.parse(gunzipSync(first.agent_state).toString("utf8")) as Record<string, string>;
    expect(Buffer.from(state["conversation.json"], "base64").toString("utf8")).toContain("Start the snapshot task");

    await say(task, "/write README.md # Demo, edited");
    const second = await snapshotOfTurn(task, 2);
    expect(second.head_commit).toBe(base);
    expect(second.diff?.toString("utf8")).toContain("+# Demo, edited");

    await say(task, "/sh git add -A && git commit --quiet -m 'agent: edit the readme' && git rev-parse HEAD");
    const third = await snapshotOfTurn(task, 3);
    const committed = git(repoOf(task), "rev-parse", "HEAD");
    expect(third.head_commit).toBe(committed);
    expect(third.head_commit).not.toBe(base);
    expect(third.bundle?.subarray(0, 20).toString("utf8")).toMatch(/^# v[23] git bundle/);
    expect(third.diff).toBeNull();

    await say(task, "/write second.txt two, changed");
    await say(task, "/write notes/untracked.txt not added to git");
    const fifth = await snapshotOfTurn(task, 5);
    expect(fifth.head_commit).toBe(committed);
    expect(fifth.diff?.toString("utf8")).toContain("notes/untracked.txt");
    expect(fifth.diff?.toString("utf8")).toContain("+two, changed");
    // The repository's own index was not touched by the snapshot: the edits are still unstaged and untracked.
    expect(git(repoOf(task), "status", "--porcelain")).toBe(" M second.txt\n?? notes/");

    // The task's own commits (the original clone is shallow; the rebuilt one may hold more of the history before the base).
    const log = git(repoOf(task), "log", "--format=%H %an %s", `${base}^!`, branch);
    expect(log.split("\n")).toHaveLength(2);
    const logsBefore = (await alice.client.logs("me", task.id)).logs.map((l) => l.content);

    console.log(`echo work snapshot costs (small cloned repository): ${(await snapshotCosts(dataDir(), task)).join(" | ")}`);
    await loseHost(task);
    const lostAt = Date.now();
    await resumeAfterLoss(task);
    console.log(`resumed on a rebuilt workspace in ${Date.now() - lostAt} ms after the loss`);

    const repo = repoOf(task);
    expect(git(repo, "rev-parse", "--abbrev-ref", "HEAD")).toBe(branch);
    expect(git(repo, "log", "--format=%H %an %s", `${base}^!`, branch)).toBe(log);
    expect(git(repo, "rev-parse", branch)).toBe(committed);
    expect(await fs.readFile(path.join(repo, "README.md"), "utf8")).toBe("# Demo, edited\n");
    expect(await fs.readFile(path.join(repo, "second.txt"), "utf8")).toBe("two, changed\n");
    expect(await fs.readFile(path.join(repo, "notes/untracked.txt"), "utf8")).toBe("not added to git\n");
    expect(git(repo, "status", "--porcelain")).toBe(" M second.txt\n?? notes/");
    // The conversation goes on where it was: every earlier message is there, and the prompt is not sent again.
    const logsAfter = (await alice.client.logs("me", task.id)).logs.map((l) => l.content);
    expect(logsAfter).toEqual(logsBefore);
    expect(await say(task, "/sh cat notes/untracked.txt")).toContain("not added to git");
    const changes = await alice.client.task("me", task.id);
    expect(changes.repository).toMatchObject({ base_commit: base, branch });
  }, 180_000);

  it("rebuild a lost workspace of a task without a repository from its whole-branch bundle", async () => {
    const task = await createTask([], "A task in a repository of its own");
    await say(task, "/write a.txt first file");
    await say(task, "/sh git add -A && git commit --quiet -m 'agent: a.txt'");
    await say(task, "/write b.txt uncommitted");
    const row = await snapshotOfTurn(task, 4);
    expect(row.bundle).not.toBeNull();
    const repo = repoOf(task);
    const log = git(repo, "log", "--format=%H %s");
    expect(log.split("\n")).toHaveLength(2);

    await loseHost(task);
    await resumeAfterLoss(task);

    expect(git(repoOf(task), "log", "--format=%H %s")).toBe(log);
    expect(await fs.readFile(path.join(repoOf(task), "a.txt"), "utf8")).toBe("first file\n");
    expect(await fs.readFile(path.join(repoOf(task), "b.txt"), "utf8")).toBe("uncommitted\n");
    expect(await say(task, "/sh git status --porcelain")).toContain("?? b.txt");
  }, 180_000);
});

/** Another server (its own database in the run's cluster, its own data dir) with `env`, its owner and its SQL. */
async function otherServer(env: Record<string, string>, cleanups: (() => Promise<unknown>)[]) {
  const server: ExtraServer = await startExtraServer(env);
  cleanups.push(() => server.stop());
  const sql = postgres(server.databaseUrl, { max: 2, onnotice: () => {} });
  cleanups.push(() => sql.end());
  const owner = await ownerOf(server);
  return { server, sql, owner };
}

/** As loseHost, for a task of another server. */
async function loseHostOf(server: ExtraServer, sql: postgres.Sql, task: Task) {
  const [agent] = await sql`SELECT pid FROM workspace_agents WHERE workspace_id = ${task.workspace_id!} ORDER BY created_at DESC LIMIT 1`;
  try {
    process.kill(-agent.pid, "SIGKILL");
  } catch {
    // gone already
  }
  await waitFor("the agent to be gone", async () => !isAlive(agent.pid));
  await fs.rm(path.join(server.dataDir, "workspaces", task.workspace_id!), { recursive: true, force: true });
  await fs.rm(path.join(server.dataDir, "agents", task.workspace_id!), { recursive: true, force: true });
}

/** The agent's own account of each snapshot it uploaded (size, time to take, time to upload). */
async function snapshotCosts(dir: string, task: Task): Promise<string[]> {
  const log = await fs.readFile(path.join(dir, "logs", `${task.workspace_id}.log`), "utf8").catch(() => "");
  return log.split("\n").filter((l) => l.includes("work snapshot"));
}

/** The model, scripted as in claude-code.test.ts: a follow-up says whether the request still carries the first turn's tool call. */
function model(request: MessagesRequest): ScriptedAnswer {
  if (isToolResult(request)) return { content: [{ type: "text", text: "Created `hello.txt`." }] };
  if (lastUserText(request).includes("Create hello.txt")) {
    return { content: [{ type: "text", text: "I'll create the file with Bash." }, { type: "tool_use", name: "Bash", input: { command: "echo hello from claude > hello.txt", description: "Write hello.txt" } }] };
  }
  const remembers = textOf(request).includes("echo hello from claude > hello.txt");
  return { content: [{ type: "text", text: remembers ? "I remember: I wrote hello.txt with Bash." : "I have no memory of earlier turns." }] };
}

describe("a Claude Code task's work snapshot", () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c().catch(() => {});
  });

  it("carries its session id and transcript: after a lost host the same session goes on, with the earlier turns in the next model request", async () => {
    const api = await startFakeAnthropic(model);
    cleanups.push(() => api.close());
    const { server, sql, owner } = await otherServer({ ANTHROPIC_API_KEY: "sk-ant-test", ANTHROPIC_BASE_URL: api.url, ANTHROPIC_MODEL: "" }, cleanups);
    const version = (await owner.templates()).find((t) => t.name === "claude")!.active_version_id;
    const outputs = async (task: Task) => (await owner.logs("me", task.id)).logs.filter((l) => l.type === "output").map((l) => l.content);
    const idleAfter = (task: Task, replies: number) =>
      waitFor(`reply ${replies}`, async () => {
        const t = await owner.task("me", task.id);
        return t.status === "active" && t.current_state?.state === "idle" && (await outputs(task)).length >= replies ? t : undefined;
      }, 90_000, 100);

    const task = await owner.createTask({ input: "Create hello.txt saying hello", template_version_id: version });
    await idleAfter(task, 1);
    const row = await waitFor("the first snapshot", async () => {
      const [r] = await sql`SELECT turn, brain, session_id, brain_files FROM work_snapshots WHERE task_id = ${task.id}`;
      return r?.turn === 1 ? r : undefined;
    }, 30_000, 100);
    expect(row.brain).toBe("claude-code");
    expect(row.session_id).toMatch(/^[0-9a-f-]{36}$/);
    // The transcript Claude Code resumes from, out of its config dir in the workspace.
    const listing = execFileSync("tar", ["-tzf", "-"], { input: row.brain_files as Buffer, encoding: "utf8" });
    expect(listing).toContain(`${row.session_id}.jsonl`);
    console.log(`claude work snapshot costs: ${(await snapshotCosts(server.dataDir, task)).join(" | ")}`);

    await loseHostOf(server, sql, task);
    await waitForStatus(owner, task.id, "error", 30_000);
    await owner.resume("me", task.id);
    await waitForStatus(owner, task.id, "active", 60_000);
    expect(await fs.readFile(path.join(server.dataDir, "workspaces", task.workspace_id!, "repo", "hello.txt"), "utf8")).toBe("hello from claude\n");

    const before = api.requests.length;
    await owner.send("me", task.id, "What did you do?");
    await idleAfter(task, 2);
    const next = api.requests.slice(before).at(-1)!;
    expect(textOf(next)).toContain("Create hello.txt saying hello");
    expect(textOf(next)).toContain("echo hello from claude > hello.txt");
    expect((await outputs(task))[1]).toBe("I remember: I wrote hello.txt with Bash.");
    const after = await waitFor("the second snapshot", async () => {
      const [r] = await sql`SELECT turn, session_id FROM work_snapshots WHERE task_id = ${task.id}`;
      return r?.turn === 2 ? r : undefined;
    }, 30_000, 100);
    expect(after.session_id).toBe(row.session_id);
  }, 240_000);
});

describe("the work snapshot's size cap and its route", () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c().catch(() => {});
  });

  it("drops the diff past TASKYARD_WORK_SNAPSHOT_MAX_BYTES and keeps the conversation and the bundle; the route takes only the agent's own task and its cap", async () => {
    const { server, sql, owner } = await otherServer({ TASKYARD_WORK_SNAPSHOT_MAX_BYTES: String(64 * 1024) }, cleanups);
    const echo = (await owner.templates()).find((t) => t.name === "echo")!.active_version_id;
    const task = await owner.createTask({ input: "Cap me", template_version_id: echo });
    await waitForStatus(owner, task.id, "active", 30_000);
    await waitForState(owner, task.id, "idle");
    const sayHere = (input: string) => sayTo(owner, task.id, input);
    await sayHere("/write small.txt committed and kept");
    await sayHere("/sh git add small.txt && git commit --quiet -m 'agent: small.txt'");
    // ~130 KiB that does not compress: the diff alone is over the 64 KiB cap.
    await sayHere("/sh head -c 100000 /dev/urandom | base64 > big.txt");
    const row = await waitFor("the capped snapshot", async () => {
      const [r] = await sql`SELECT turn, bundle, diff, agent_state, dropped, total_bytes FROM work_snapshots WHERE task_id = ${task.id}`;
      return r?.turn === 4 ? r : undefined;
    }, 30_000, 100);
    expect(row.diff).toBeNull();
    expect(row.bundle).not.toBeNull();
    expect(row.dropped).toMatch(/diff: over the size cap/);
    expect(row.total_bytes).toBeLessThanOrEqual(64 * 1024);
    expect(JSON.parse(gunzipSync(row.agent_state as Buffer).toString("utf8"))).toHaveProperty("conversation.json");
    expect(await fs.readFile(path.join(server.dataDir, "logs", `${task.workspace_id}.log`), "utf8")).toMatch(/work snapshot of turn 4 left out diff: over the size cap/);

    await loseHostOf(server, sql, task);
    await waitForStatus(owner, task.id, "error", 30_000);
    await owner.resume("me", task.id);
    await waitForStatus(owner, task.id, "active", 60_000);
    const repo = path.join(server.dataDir, "workspaces", task.workspace_id!, "repo");
    expect(await fs.readFile(path.join(repo, "small.txt"), "utf8")).toBe("committed and kept\n");
    expect(await fs.stat(path.join(repo, "big.txt")).catch(() => null)).toBeNull();

    // The route: an agent token of another task is a 404 and changes nothing; over the cap is a 413.
    const other = await owner.createTask({ input: "Someone else's", template_version_id: echo });
    // Its own agent's first snapshot first: it must not land after the one posted below.
    await waitFor("the other task's first snapshot", async () => (await sql`SELECT 1 FROM work_snapshots WHERE task_id = ${other.id}`).length > 0, 30_000, 100);
    const token = randomBytes(32).toString("hex");
    const [build] = await sql`SELECT id FROM workspace_builds WHERE workspace_id = ${other.workspace_id!} ORDER BY build_number DESC LIMIT 1`;
    await sql`INSERT INTO workspace_agents (workspace_id, build_id, auth_token_hash, lifecycle_state, created_at)
              VALUES (${other.workspace_id!}, ${build.id}, ${createHash("sha256").update(token).digest("hex")}, 'ready', now() + interval '1 hour')`;
    const body = (extra: object = {}) => ({ turn: 9, brain: "echo", session_id: null, agent_state: Buffer.from("x").toString("base64"), brain_files: null, branch: null, base_commit: null, head_commit: null, bundle: null, diff: null, dropped: null, ...extra });
    const post = (taskId: string, payload: unknown) =>
      fetch(`${server.baseUrl}/api/v2/workspaceagents/me/tasks/${taskId}/work-snapshot`, { method: "POST", headers: { "Coder-Session-Token": token, "content-type": "application/json" }, body: JSON.stringify(payload) });
    const [kept] = await sql`SELECT turn, updated_at FROM work_snapshots WHERE task_id = ${task.id}`;
    const foreign = await post(task.id, body());
    expect(foreign.status).toBe(404);
    const [still] = await sql`SELECT turn, updated_at FROM work_snapshots WHERE task_id = ${task.id}`;
    expect(still).toEqual(kept);
    expect((await post(other.id, body({ bundle: randomBytes(70 * 1024).toString("base64") }))).status).toBe(413);
    expect((await post(other.id, body({ turn: -1 }))).status).toBe(400);
    expect((await post(other.id, body())).status).toBe(204);
    const [own] = await sql`SELECT turn FROM work_snapshots WHERE task_id = ${other.id}`;
    expect(own.turn).toBe(9);
  }, 240_000);
});
