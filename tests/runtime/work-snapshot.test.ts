import { execFileSync } from "node:child_process";
import fs from "node:fs/promises";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it, inject } from "vitest";
import type { Task } from "../../lib/sdk/client";
import { createTestUser, echoTemplateVersion, type TestUser } from "../support/api";
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

    await loseHost(task);
    await resumeAfterLoss(task);

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
