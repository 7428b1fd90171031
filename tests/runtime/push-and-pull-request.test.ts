import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TaskyardClient, TaskyardError, type Task } from "../../lib/sdk/client";
import { ownerOf, startExtraServer, type ExtraServer } from "../support/extra-server";
import { startGitHubStandIn, startGitLabStandIn } from "../support/forge-stand-ins";
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


/** Someone else (Bob) pushes a commit of his own to `branch` of the server's repository. */
async function pushAsSomeoneElse(server: GitHttpServer, branch: string) {
  const other = await fs.mkdtemp(path.join(os.tmpdir(), "taskyard-other-"));
  cleanups.push(() => fs.rm(other, { recursive: true, force: true }));
  gitIn(other, "clone", "--quiet", "--branch", branch, server.bare, ".");
  await fs.writeFile(path.join(other, "theirs.txt"), "theirs\n");
  gitIn(other, "add", ".");
  gitIn(other, "-c", "user.name=Bob", "-c", "user.email=bob@example.com", "commit", "--quiet", "-m", "Bob's change");
  gitIn(other, "push", "--quiet", "origin", branch);
}

const gitIn = (cwd: string, ...args: string[]) =>
  execFileSync("git", args, { cwd, encoding: "utf8", env: { ...process.env, GIT_CONFIG_GLOBAL: "/dev/null", GIT_CONFIG_NOSYSTEM: "1" } });

describe("from task to remote branch and pull request", () => {
  let server: ExtraServer;
  let git: GitHttpServer;
  let sql: postgres.Sql;
  let owner: TaskyardClient;
  let alice: TaskyardClient;
  let echo: string;
  const answers: string[] = [];
  const procLeaks = new Set<string>();
  let watching: NodeJS.Timeout | undefined;
  let github: Awaited<ReturnType<typeof startGitHubStandIn>>;
  let aliceToken: string;

  beforeAll(async () => {
    // GitHub's shape of repository URL (owner/name), served by git itself.
    git = await startGitHttpServer({ token: TOKEN, name: "alice/private" });
    cleanups.push(() => git.close());
    github = await startGitHubStandIn({ [TOKEN]: { login: "alice-gh", scopes: ["repo"] } }, { repositories: { "alice/private": { get branches() { return git.branches(); } } } });
    cleanups.push(() => github.close());
    server = await startExtraServer({ LOG_LEVEL: "debug", TASKYARD_PULL_REQUEST_REFRESH_SECONDS: "1" });
    cleanups.push(() => server.stop());
    sql = postgres(server.databaseUrl, { max: 2, onnotice: () => {} });
    cleanups.push(() => sql.end());
    owner = await ownerOf(server);
    echo = (await owner.templates()).find((t) => t.name === "echo")!.active_version_id;
    await owner.createGitProvider({ kind: "github", host: git.host, api_url: github.url });
    const created = await owner.createUser({ email: "alice@example.com", username: "alice", password: "password-123", role: "member" });
    aliceToken = (await owner.createApiKey(created.id)).key;
    alice = new TaskyardClient({ baseUrl: server.baseUrl, token: aliceToken });
    await alice.createGitCredential({ host: git.host, token: TOKEN });
    watching = setInterval(() => processesHolding(TOKEN).forEach((p) => procLeaks.add(p)), 25);
    cleanups.push(async () => clearInterval(watching));
  });

  const remember = async <T>(p: Promise<T>) => {
    const value = await p;
    answers.push(JSON.stringify(value));
    return value;
  };
  /** `POST …/pull-request` as it goes over the wire: the status tells the first call (201) from a repeat (200). */
  async function pullRequestCall(task: Task, body: unknown = {}) {
    const res = await fetch(`${server.baseUrl}/api/v2/tasks/me/${task.id}/pull-request`, {
      method: "POST",
      headers: { "Coder-Session-Token": aliceToken, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    answers.push(text);
    return { status: res.status, body: JSON.parse(text) };
  }
  const createdPulls = () => github.requests.filter((r) => r.method === "POST" && /\/pulls$/.test(r.path));

  async function repoTask(input = "Add a greeting", url = git.url): Promise<Task> {
    const task = await remember(alice.createTask({ input, template_version_id: echo, rich_parameter_values: [{ name: "repo_url", value: url }] }));
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
    await pushAsSomeoneElse(git, branch);
    const theirs = git.log(branch).split(" ")[0];

    await say(alice, task.id, "/write mine.txt changed again");
    const rejected = await outcome(alice.push("me", task.id));
    expect(rejected.status).toBe(409);
    expect(rejected.body).toMatchObject({ message: "The push was rejected.", detail: expect.stringMatching(/rejected|stale/) });
    expect(git.log(branch).split(" ")[0]).toBe(theirs);
    await alice.deleteTask("me", task.id);
  });

  it("ignores what the model wrote into the repository's config and hooks: the push is not redirected and no pre-push hook runs", async () => {
    const task = await repoTask();
    const elsewhere = await startGitHttpServer({ token: "never-this", name: "alice/private" });
    cleanups.push(() => elsewhere.close());
    // The model tries to send the push (and the owner's token) elsewhere, and to run code as it happens.
    const planted = await say(alice, task.id, [
      `/sh git config url.${elsewhere.origin}/.insteadOf ${git.origin}/`,
      "&& git config core.hooksPath .git/hooks",
      "&& printf '#!/bin/sh\\ntouch /workspace/pre-push-ran\\n' > .git/hooks/pre-push && chmod +x .git/hooks/pre-push",
      "&& echo planted",
    ].join(" "));
    expect(planted).toContain("planted"); // every command above succeeded: the repository's config says so
    expect(await say(alice, task.id, "/sh git config --get-regexp 'url\\..*insteadof'")).toContain(elsewhere.origin);
    await say(alice, task.id, "/write planted.txt planted");
    const pushed = await remember(alice.push("me", task.id));
    expect(gitIn(git.bare, "show", `${pushed.branch}:planted.txt`)).toBe("planted\n");
    expect(elsewhere.requests).toEqual([]);
    expect((await fs.stat(path.join(server.dataDir, "workspaces", task.workspace_id!, "pre-push-ran")).catch(() => null))).toBeNull();
    await alice.deleteTask("me", task.id);
  });

  it("409s without a repository and without a credential for the host, naming where to add one", async () => {
    const plain = await alice.createTask({ input: "no repository", template_version_id: echo });
    await waitForState(alice, plain.id, "idle", 60_000);
    // A task created without a repository works in one of its own, with nowhere to push it.
    expect(await outcome(alice.push("me", plain.id))).toMatchObject({ status: 409, body: { message: "This task's repository has no remote." } });

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

  it("opens a pull request from the task's branch into its base (201), answers the same one after (200), and follows its state", async () => {
    const task = await repoTask("Add a greeting to the README");
    await say(alice, task.id, "/write greeting.txt hello");
    const first = await pullRequestCall(task);
    expect(first.status).toBe(201);
    expect(first.body).toEqual({ provider: "github", url: expect.stringMatching(/\/alice\/private\/pull\/1$/), number: 1, state: "open", draft: false });
    // What GitHub was asked (every request checked against its OpenAPI description).
    const [request] = createdPulls();
    const branch = `taskyard/${task.name}`;
    expect(request.body).toMatchObject({ head: branch, base: "main", title: task.display_name, draft: false });
    const body = (request.body as { body: string }).body;
    expect(body).toContain("> Add a greeting to the README");
    expect(body).toContain("`greeting.txt` (+1 −0)");
    expect(body).toContain(`${server.baseUrl}/tasks/alice/${task.name}`);
    // Pushed first: the branch and its commit are in the repository.
    expect(gitIn(git.bare, "show", `${branch}:greeting.txt`)).toBe("hello\n");

    const again = await pullRequestCall(task);
    expect(again).toEqual({ status: 200, body: first.body });
    expect(createdPulls()).toHaveLength(1);
    expect((await remember(alice.task("me", task.id))).pull_request).toEqual(first.body);
    expect((await alice.tasks()).tasks.find((t) => t.id === task.id)?.pull_request).toEqual(first.body);

    // Merged on GitHub: reading the task asks again (at most once per interval, 1 s here).
    github.setPullState(1, "merged");
    await waitFor("the merged state", async () => (await alice.task("me", task.id)).pull_request?.state === "merged", 15_000, 300);
    await alice.deleteTask("me", task.id);
  });

  it("takes a title, body and draft; refuses a bad body with a 400 that changes nothing", async () => {
    const task = await repoTask();
    await say(alice, task.id, "/write draft.txt draft");
    const pulls = createdPulls().length;
    for (const bad of [{ title: "" }, { draft: "yes" }, { base: "develop" }, { body: 7 }]) {
      const refused = await pullRequestCall(task, bad);
      expect(refused.status).toBe(400);
      expect(refused.body.validations?.length).toBeGreaterThan(0);
    }
    expect(createdPulls()).toHaveLength(pulls);
    expect(git.branches()).not.toContain(`taskyard/${task.name}`);

    const opened = await pullRequestCall(task, { title: "Draft: a greeting", body: "Written by hand.", draft: true });
    expect(opened).toMatchObject({ status: 201, body: { draft: true, state: "open" } });
    expect(createdPulls().at(-1)?.body).toMatchObject({ title: "Draft: a greeting", body: "Written by hand.", draft: true });
    await alice.deleteTask("me", task.id);
  });

  it("passes the forge's refusals on (422, 403) with its message, 502s a forge that does not answer within 15 s, and opens nothing when the push fails", async () => {
    const task = await repoTask();
    await say(alice, task.id, "/write refused.txt refused");
    github.fail("validation", { method: "POST" });
    const invalid = await pullRequestCall(task);
    expect(invalid.status).toBe(422);
    expect(invalid.body.detail).toContain("A pull request already exists");
    // The push went through and is kept: the next push may overwrite it.
    expect((await alice.task("me", task.id)).repository?.pushed_commit).toBe(git.log(`taskyard/${task.name}`).split(" ")[0]);
    expect((await alice.task("me", task.id)).pull_request).toBeNull();

    github.fail("forbidden", { method: "POST" });
    const forbidden = await pullRequestCall(task);
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.detail).toBeTruthy();

    github.fail("hang", { method: "GET" });
    const started = Date.now();
    const slow = await pullRequestCall(task);
    expect(slow.status).toBe(502);
    expect(Date.now() - started).toBeLessThan(15_500);
    github.resetFailures();

    // Someone else pushes to the branch: the push is rejected, and no pull request is asked for.
    await pushAsSomeoneElse(git, `taskyard/${task.name}`);
    await say(alice, task.id, "/write refused.txt changed");
    const before = createdPulls().length;
    const rejected = await pullRequestCall(task);
    expect(rejected).toMatchObject({ status: 409, body: { message: "The push was rejected." } });
    expect(createdPulls()).toHaveLength(before);
    await alice.deleteTask("me", task.id);
  }, 90_000);

  it("opens a GitLab merge request in a nested group (a draft is a 'Draft:' title) and follows its state", async () => {
    const lab = await startGitHttpServer({ token: TOKEN, name: "team/platform/tools" });
    cleanups.push(() => lab.close());
    const gitlab = await startGitLabStandIn({ [TOKEN]: { username: "alice-gl", scopes: ["api"] } }, { projects: { "team/platform/tools": { get branches() { return lab.branches(); } } } });
    cleanups.push(() => gitlab.close());
    await owner.createGitProvider({ kind: "gitlab", host: lab.host, api_url: gitlab.apiUrl });
    await alice.createGitCredential({ host: lab.host, token: TOKEN });
    const task = await repoTask("Tidy the tools", lab.url);
    await say(alice, task.id, "/write tidy.txt tidy");
    const first = await pullRequestCall(task, { draft: true });
    expect(first).toMatchObject({ status: 201, body: { provider: "gitlab", number: 1, state: "open", draft: true } });
    const created = gitlab.requests.find((r) => r.method === "POST" && r.path.endsWith("/merge_requests"));
    expect(created?.path).toBe(`/api/v4/projects/${encodeURIComponent("team/platform/tools")}/merge_requests`);
    expect(created?.body).toMatchObject({ source_branch: `taskyard/${task.name}`, target_branch: "main", title: `Draft: ${task.display_name}` });
    expect(gitIn(lab.bare, "show", `taskyard/${task.name}:tidy.txt`)).toBe("tidy\n");
    expect(await pullRequestCall(task)).toEqual({ status: 200, body: first.body });
    gitlab.setMergeRequestState(1, "merged");
    await waitFor("the merged state", async () => (await alice.task("me", task.id)).pull_request?.state === "merged", 15_000, 300);
    expect(gitlab.problems).toEqual([]);
    await alice.deleteTask("me", task.id);
  });

  it("a generic provider takes pushes only: 409 'This provider has no pull requests.'", async () => {
    const lab = await startGitHttpServer({ token: TOKEN, name: "lab/tools" });
    cleanups.push(() => lab.close());
    await owner.createGitProvider({ kind: "generic", host: lab.host });
    await alice.createGitCredential({ host: lab.host, token: TOKEN, username: "alice" });
    const task = await repoTask("Tidy the tools", lab.url);
    await say(alice, task.id, "/write tidy.txt tidy");
    const refused = await pullRequestCall(task);
    expect(refused).toMatchObject({ status: 409, body: { message: "This provider has no pull requests." } });
    expect((await remember(alice.push("me", task.id))).branch).toBe(`taskyard/${task.name}`);
    await alice.deleteTask("me", task.id);
  });

  it("leaves the token nowhere: no process's argv or environment, no file under the data dir, no log line, no API answer, no database row", async () => {
    clearInterval(watching);
    expect(github.problems).toEqual([]);
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
