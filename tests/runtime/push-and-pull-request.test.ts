import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TaskyardClient, TaskyardError, type Task } from "../../lib/sdk/client";
import { ownerOf, startExtraServer, type ExtraServer } from "../support/extra-server";
import { startGitHubStandIn } from "../support/forge-stand-ins";
import { startGitHttpServer, type GitHttpServer } from "../support/git-http-server";
import { databaseDump, filesContaining } from "../support/leaks";
import { processesHolding } from "../support/processes";
import { say, waitFor, waitForState, waitForStatus } from "../support/runtime";

const TOKEN = `ghp_${randomBytes(18).toString("hex")}`;
const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => {});
});

/** What a push or pull-request call answers, or its error as status and body. */
async function outcome<T>(call: Promise<T>): Promise<{ status: number; body: unknown }> {
  try {
    return { status: 200, body: await call };
  } catch (error) {
    if (error instanceof TaskyardError) return { status: error.status, body: error.body };
    throw error;
  }
}

const gitIn = (cwd: string, ...args: string[]) =>
  execFileSync("git", args, { cwd, encoding: "utf8", env: { ...process.env, GIT_CONFIG_GLOBAL: "/dev/null", GIT_CONFIG_NOSYSTEM: "1" } });

describe("from task to remote branch: push", () => {
  let server: ExtraServer;
  let git: GitHttpServer;
  let sql: postgres.Sql;
  let owner: TaskyardClient;
  let alice: TaskyardClient;
  let echo: string;
  const answers: string[] = [];
  const procLeaks = new Set<string>();
  let watching: NodeJS.Timeout | undefined;
  let githubProblems: () => string[];

  beforeAll(async () => {
    git = await startGitHttpServer({ token: TOKEN });
    cleanups.push(() => git.close());
    const github = await startGitHubStandIn({ [TOKEN]: { login: "alice-gh", scopes: ["repo"] } });
    cleanups.push(() => github.close());
    githubProblems = () => github.problems;
    server = await startExtraServer({ LOG_LEVEL: "debug" });
    cleanups.push(() => server.stop());
    sql = postgres(server.databaseUrl, { max: 2, onnotice: () => {} });
    cleanups.push(() => sql.end());
    owner = await ownerOf(server);
    echo = (await owner.templates()).find((t) => t.name === "echo")!.active_version_id;
    await owner.createGitProvider({ kind: "github", host: git.host, api_url: github.url });
    const created = await owner.createUser({ email: "alice@example.com", username: "alice", password: "password-123", role: "member" });
    alice = new TaskyardClient({ baseUrl: server.baseUrl, token: (await owner.createApiKey(created.id)).key });
    await alice.createGitCredential({ host: git.host, token: TOKEN });
    watching = setInterval(() => processesHolding(TOKEN).forEach((p) => procLeaks.add(p)), 25);
    cleanups.push(async () => clearInterval(watching));
  });

  const remember = async <T>(p: Promise<T>) => {
    const value = await p;
    answers.push(JSON.stringify(value));
    return value;
  };
  async function repoTask(input = "Add a greeting"): Promise<Task> {
    const task = await remember(alice.createTask({ input, template_version_id: echo, rich_parameter_values: [{ name: "repo_url", value: git.url }] }));
    await waitForState(alice, task.id, "idle", 60_000);
    return task;
  }

  it("commits what is left as the owner (the agent credited) and pushes taskyard/<name>, while active", async () => {
    const task = await repoTask();
    await say(alice, task.id, "/write hello.txt hello from the agent");
    const before = await remember(alice.changes("me", task.id));
    expect(before).toMatchObject({ uncommitted_files: 1, unpushed_commits: 0 });

    const pushed = await remember(alice.push("me", task.id));
    const branch = `taskyard/${task.name}`;
    expect(pushed).toEqual({ branch, head_commit: expect.stringMatching(/^[0-9a-f]{40}$/), remote: git.url });
    // In the bare repository: the branch, with the commit push made, as the owner, the agent co-author.
    expect(git.log(branch).split("\n")[0]).toBe(`${pushed.head_commit} ${task.display_name}`);
    expect(gitIn(git.bare, "log", "-1", "--format=%an <%ae>%n%B", branch).trim()).toBe(
      `alice <alice@example.com>\n${task.display_name}\n\nCo-authored-by: Taskyard agent (echo) <agent@taskyard.invalid>`,
    );
    expect(gitIn(git.bare, "show", `${branch}:hello.txt`)).toBe("hello from the agent\n");
    // Only the task's branch: main is as it was.
    expect(git.log("main").trim().split("\n")).toHaveLength(1);
    expect(git.requests.some((r) => r.user === "x-access-token" && r.url.includes("git-receive-pack") && r.status === 200)).toBe(true);

    const after = await remember(alice.changes("me", task.id));
    expect(after).toMatchObject({ head_commit: pushed.head_commit, uncommitted_files: 0, unpushed_commits: 0 });
    expect((await remember(alice.task("me", task.id))).repository?.pushed_commit).toBe(pushed.head_commit);

    // The agent commits more, rewriting its own last commit: the next push may overwrite what Taskyard pushed.
    await say(alice, task.id, "/sh echo more >> hello.txt && git commit -qam 'Say more' && git commit -q --amend -m 'Say more, amended'");
    const again = await remember(alice.push("me", task.id));
    expect(again.head_commit).not.toBe(pushed.head_commit);
    expect(git.log(branch).split("\n")[0]).toBe(`${again.head_commit} Say more, amended`);
    // Nothing new: the same commit, no empty one.
    expect((await alice.push("me", task.id)).head_commit).toBe(again.head_commit);
    await alice.deleteTask("me", task.id);
  });

  it("pushes while paused, committing what the agent left", async () => {
    const task = await repoTask();
    await say(alice, task.id, "/write paused.txt written before the pause");
    await alice.pause("me", task.id);
    await waitForStatus(alice, task.id, "paused", 30_000);
    const pushed = await remember(alice.push("me", task.id));
    expect(gitIn(git.bare, "show", `${pushed.branch}:paused.txt`)).toBe("written before the pause\n");
    expect(gitIn(git.bare, "log", "-1", "--format=%s", pushed.branch).trim()).toBe(task.display_name);
    await alice.deleteTask("me", task.id);
  });

  it("refuses to overwrite what someone else pushed to the branch: 409 with git's reason, and the remote is untouched", async () => {
    const task = await repoTask();
    await say(alice, task.id, "/write mine.txt mine");
    const { branch } = await remember(alice.push("me", task.id));
    // Someone else pushes to the task's branch.
    const other = await fs.mkdtemp(path.join(os.tmpdir(), "taskyard-other-"));
    cleanups.push(() => fs.rm(other, { recursive: true, force: true }));
    gitIn(other, "clone", "--quiet", "--branch", branch, git.bare, ".");
    await fs.writeFile(path.join(other, "theirs.txt"), "theirs\n");
    gitIn(other, "add", ".");
    gitIn(other, "-c", "user.name=Bob", "-c", "user.email=bob@example.com", "commit", "--quiet", "-m", "Bob's change");
    gitIn(other, "push", "--quiet", "origin", branch);
    const theirs = git.log(branch).split(" ")[0];

    await say(alice, task.id, "/write mine.txt changed again");
    const rejected = await outcome(alice.push("me", task.id));
    expect(rejected.status).toBe(409);
    expect(rejected.body).toMatchObject({ message: "The push was rejected.", detail: expect.stringMatching(/rejected|stale/) });
    expect(git.log(branch).split(" ")[0]).toBe(theirs);
    await alice.deleteTask("me", task.id);
  });

  it("409s without a repository and without a credential for the host, naming where to add one", async () => {
    const plain = await alice.createTask({ input: "no repository", template_version_id: echo });
    await waitForState(alice, plain.id, "idle", 60_000);
    expect(await outcome(alice.push("me", plain.id))).toMatchObject({ status: 409, body: { message: "This task has no repository." } });

    const task = await repoTask();
    const [credential] = await alice.gitCredentials();
    await alice.deleteGitCredential(credential.id);
    try {
      const refused = await outcome(alice.push("me", task.id));
      expect(refused).toMatchObject({ status: 409, body: { message: `No git credential for ${git.host}.`, detail: expect.stringContaining("Settings → Git credentials") } });
    } finally {
      await alice.createGitCredential({ host: git.host, token: TOKEN });
    }
    // Someone else's task is a 404, as every task route.
    expect((await outcome(owner.push("alice", task.id))).status).toBe(200);
    const created = await owner.createUser({ email: "mallory@example.com", username: "mallory", password: "password-123", role: "member" });
    const mallory = new TaskyardClient({ baseUrl: server.baseUrl, token: (await owner.createApiKey(created.id)).key });
    expect((await outcome(mallory.push("alice", task.id))).status).toBe(404);
    for (const t of [plain, task]) await alice.deleteTask("me", t.id);
  });

  it("leaves the token nowhere: no process's argv or environment, no file under the data dir, no log line, no API answer, no database row", async () => {
    clearInterval(watching);
    expect(githubProblems()).toEqual([]);
    expect([...procLeaks]).toEqual([]);
    expect(filesContaining(server.dataDir, TOKEN)).toEqual([]);
    expect(server.output()).not.toContain(TOKEN);
    expect(answers.length).toBeGreaterThan(8);
    for (const answer of answers) expect(answer).not.toContain(TOKEN);
    const dump = await databaseDump(sql);
    expect(dump).not.toContain(TOKEN);
    await waitFor("no pushes left behind", async () => (await fs.readdir(path.join(server.dataDir, "pushes"))).length === 0);
  });
});
