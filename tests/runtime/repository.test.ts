import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, inject } from "vitest";
import type { Task } from "../../lib/sdk/client";
import { createTestUser, echoTemplateVersion, raw, type TestUser } from "../support/api";
import { say as sayTo, waitFor, waitForState, waitForStatus } from "../support/runtime";

const git = (cwd: string, ...args: string[]) => execFileSync("git", ["-c", "safe.directory=*", ...args], { cwd, encoding: "utf8" }).trim();

const hasBubblewrap = spawnSync("bwrap", ["--version"]).status === 0;
const asRoot = process.getuid?.() === 0;

let tmp: string;
let origin: string;
let alice: TestUser;

/**
 * A bare repository with `main` (README.md, src/app.txt) and a `feature` branch, readable by the
 * sandbox's user, inside the directory the test server lets local repositories come from.
 */
beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(inject("repoRoot"), "repo-"));
  origin = path.join(tmp, "origin.git");
  const work = path.join(tmp, "work");
  git(tmp, "init", "--quiet", "--bare", "--initial-branch=main", origin);
  git(tmp, "clone", "--quiet", origin, work);
  await fs.mkdir(path.join(work, "src"));
  await fs.writeFile(path.join(work, "README.md"), "# Demo\n");
  await fs.writeFile(path.join(work, "src/app.txt"), "line one\nline two\n");
  git(work, "add", ".");
  git(work, "-c", "user.name=Test", "-c", "user.email=test@example.com", "commit", "--quiet", "-m", "initial");
  git(work, "push", "--quiet", "origin", "main");
  git(work, "checkout", "--quiet", "-b", "feature");
  await fs.writeFile(path.join(work, "feature.txt"), "feature\n");
  git(work, "add", ".");
  git(work, "-c", "user.name=Test", "-c", "user.email=test@example.com", "commit", "--quiet", "-m", "feature");
  git(work, "push", "--quiet", "origin", "feature");
  await fs.chmod(tmp, 0o755);
  alice = await createTestUser();
});
afterAll(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

const workspaceRepo = (task: Task) => path.join(inject("dataDir"), "workspaces", task.workspace_id!, "repo");
const changes = (task: Task) => raw("GET", `/api/v2/tasks/me/${task.id}/changes`, { token: alice.token });

async function repoTask(params: { name: string; value: string }[], input = "Work on the repository") {
  const res = await raw("POST", "/api/v2/tasks/me", {
    token: alice.token,
    body: { input, template_version_id: await echoTemplateVersion(), rich_parameter_values: params },
  });
  expect(res.status).toBe(201);
  return res.body as Task;
}

/** Sends `input` and answers the agent's reply (for `/sh`, the command's output). */
const say = (task: Task, input: string) => sayTo(alice.client, task.id, input);

describe("a repository per task", () => {
  it("checks the repository out on a branch of its own, committing as the owner, and shows the changes live, paused and resumed", async () => {
    const task = await repoTask([{ name: "repo_url", value: `file://${origin}` }]);
    expect(task.rich_parameter_values).toEqual([{ name: "repo_url", value: `file://${origin}` }]);
    await waitForStatus(alice.client, task.id, "active", 30_000);
    await waitForState(alice.client, task.id, "idle");

    const repo = workspaceRepo(task);
    expect(git(repo, "rev-parse", "--abbrev-ref", "HEAD")).toBe(`taskyard/${task.name}`);
    expect(git(repo, "config", "user.email")).toBe(`${alice.username}@example.com`);
    expect(await fs.readFile(path.join(repo, "README.md"), "utf8")).toBe("# Demo\n");
    const base = git(origin, "rev-parse", "main");

    const clean = await changes(task);
    expect(clean.status).toBe(200);
    expect(clean.body).toEqual({ base_ref: "main", base_commit: base, branch: `taskyard/${task.name}`, head_commit: base, files: [], diff: "", truncated: false, commits: [], uncommitted_files: 0, unpushed_commits: 0 });

    await say(task, "/write src/app.txt line one\nline 2 changed");
    await say(task, "/write notes/new.txt hello from the agent");
    await say(task, "/sh git rm -q README.md && git commit -qm 'drop readme' && echo committed");
    const live = await changes(task);
    expect(live.status).toBe(200);
    expect(live.body.snapshot).toBeUndefined();
    expect(live.body.head_commit).not.toBe(base); // the agent's commit counts as much as its working tree
    expect(live.body.files).toEqual([
      { path: "README.md", status: "deleted", additions: 0, deletions: 1 },
      { path: "notes/new.txt", status: "added", additions: 1, deletions: 0 },
      { path: "src/app.txt", status: "modified", additions: 1, deletions: 1 },
    ]);
    expect(live.body.diff).toContain("+++ b/notes/new.txt");
    expect(live.body.diff).toContain("-line two\n+line 2 changed");
    // The agent reports the changes after each turn: the task (and the list) carry the summary.
    const summarised = await waitFor("the change summary", async () => {
      const t = (await alice.client.tasks()).tasks.find((x) => x.id === task.id)!;
      return t.repository?.changed_files === 3 ? t : undefined;
    });
    expect(summarised.repository).toEqual({
      url: `file://${origin}`,
      base_ref: "main",
      base_commit: base,
      branch: `taskyard/${task.name}`,
      changed_files: 3,
      additions: 2,
      deletions: 2,
      pushed_commit: null,
    });

    await alice.client.pause("me", task.id);
    await waitForStatus(alice.client, task.id, "paused");
    const paused = await changes(task);
    expect(paused.body).toMatchObject({ snapshot: true, files: live.body.files, diff: live.body.diff, head_commit: live.body.head_commit });
    expect(paused.body.snapshot_at).toBeTruthy();

    await alice.client.resume("me", task.id);
    await waitForStatus(alice.client, task.id, "active", 30_000);
    expect(await fs.readFile(path.join(repo, "notes/new.txt"), "utf8")).toBe("hello from the agent\n");
    const resumed = await changes(task);
    expect(resumed.body.files).toEqual(live.body.files);
    expect(resumed.body.snapshot).toBeUndefined();

    const experimental = await raw("GET", `/api/experimental/tasks/me/${task.id}/changes`, { token: alice.token });
    expect(experimental.body).toEqual(resumed.body);
    await alice.client.deleteTask("me", task.id);
  });

  it("lists the agent's commits, authored by the owner with the agent as co-author, live and from the snapshot", async () => {
    const task = await repoTask([{ name: "repo_url", value: `file://${origin}` }], "Tidy the greeting");
    await waitForState(alice.client, task.id, "idle", 30_000);
    const owner = `${alice.username} <${alice.username}@example.com>`;

    await say(task, "/write greeting.txt hello");
    await say(task, "/sh git add -A && git commit -qm 'Add a greeting' && echo committed");
    // Read in the workspace, by the agent, as the model would: root runs no git on the agent's repository.
    const message = await say(task, "/sh git log -1 --format=%B");
    expect(message.trim()).toBe("Add a greeting\n\nCo-authored-by: Taskyard agent (echo) <agent@taskyard.invalid>");
    const live = await changes(task);
    expect(live.body.commits).toEqual([{ sha: live.body.head_commit, subject: "Add a greeting", author: owner, created_at: expect.any(String) }]);
    expect(Math.abs(Date.parse(live.body.commits[0].created_at) - Date.now())).toBeLessThan(120_000);

    // The snapshot taken at pause keeps the commits. (Committing what is left is push's first step: push-and-pull-request.test.ts.)
    await alice.client.pause("me", task.id);
    await waitForStatus(alice.client, task.id, "paused");
    const paused = await changes(task);
    expect(paused.body).toMatchObject({ snapshot: true, commits: live.body.commits });
    await alice.client.deleteTask("me", task.id);
  });

  it("starts from base_ref, and two tasks on one repository never see each other's changes", async () => {
    const one = await repoTask([{ name: "repo_url", value: origin }, { name: "base_ref", value: "feature" }]);
    const two = await repoTask([{ name: "repo_url", value: `file://${origin}` }]);
    for (const t of [one, two]) await waitForState(alice.client, t.id, "idle", 30_000);
    expect(await fs.readFile(path.join(workspaceRepo(one), "feature.txt"), "utf8")).toBe("feature\n");
    await expect(fs.stat(path.join(workspaceRepo(two), "feature.txt"))).rejects.toThrow();

    await say(one, "/write only-in-one.txt one");
    await say(two, "/write only-in-two.txt two");
    expect((await changes(one)).body).toMatchObject({ base_ref: "feature", files: [{ path: "only-in-one.txt", status: "added" }] });
    expect((await changes(two)).body).toMatchObject({ base_ref: "main", files: [{ path: "only-in-two.txt", status: "added" }] });
    for (const t of [one, two]) await alice.client.deleteTask("me", t.id);
  });

  it("refuses bad repository parameters with a 400 naming the field, and reports a failed clone with git's message", async () => {
    const version = await echoTemplateVersion();
    const bad = async (params: unknown, field: string) => {
      const res = await raw("POST", "/api/v2/tasks/me", { token: alice.token, body: { input: "x", template_version_id: version, rich_parameter_values: params } });
      expect(res.status, JSON.stringify(params)).toBe(400);
      expect(res.body.validations.map((v: { field: string }) => v.field)).toContain(field);
    };
    await bad([{ name: "repo_url", value: "ext::sh -c touch% /tmp/pwned" }], "rich_parameter_values.0.repo_url");
    await bad([{ name: "repo_url", value: "--upload-pack=touch /tmp/pwned" }], "rich_parameter_values.0.repo_url");
    await bad([{ name: "repo_url", value: "relative/path" }], "rich_parameter_values.0.repo_url");
    await bad([{ name: "repo_url", value: `file://${inject("dataDir")}/pg` }], "rich_parameter_values.0.repo_url");
    await bad([{ name: "repo_url", value: `${inject("repoRoot")}/../${path.basename(inject("dataDir"))}` }], "rich_parameter_values.0.repo_url");
    await bad([{ name: "repo_url", value: `file://${tmp}/%2e%2e/x` }], "rich_parameter_values.0.repo_url");
    await bad([{ name: "repo_url", value: origin }, { name: "base_ref", value: "../../etc" }], "rich_parameter_values.1.base_ref");
    await bad([{ name: "repo_url", value: origin }, { name: "repo_url", value: origin }], "rich_parameter_values.1.name");
    await bad({ repo_url: origin }, "rich_parameter_values");

    const missing = await repoTask([{ name: "repo_url", value: `file://${tmp}/nope.git` }]);
    const failed = await waitForStatus(alice.client, missing.id, "error", 30_000);
    expect(failed.current_state).toMatchObject({ state: "failed", message: expect.stringMatching(/^Cloning file:\/\/.*nope\.git failed: .*(does not exist|not found|Could not read)/) });
    expect((await changes(missing)).status).toBe(409);
    expect((await raw("DELETE", `/api/v2/tasks/me/${missing.id}`, { token: alice.token })).status).toBe(202);
    await waitFor("deleted", async () => (await raw("GET", `/api/v2/tasks/me/${missing.id}`, { token: alice.token })).status === 404);
  });

  it("takes local repositories only from the allowed roots: a path outside them is a 400 saying so", async () => {
    const outside = await fs.mkdtemp(path.join(os.tmpdir(), "taskyard-outside-"));
    try {
      for (const value of [outside, `file://${outside}`]) {
        const res = await raw("POST", "/api/v2/tasks/me", { token: alice.token, body: { input: "x", template_version_id: await echoTemplateVersion(), rich_parameter_values: [{ name: "repo_url", value }] } });
        expect(res.status).toBe(400);
        expect(res.body.message).toMatch(/outside the directories local repositories may come from/);
        expect(res.body.validations[0].field).toBe("rich_parameter_values.0.repo_url");
      }
    } finally {
      await fs.rm(outside, { recursive: true, force: true });
    }
  });

  it("a task without a repository gets an empty one of its own at its first start (no remote), whose changes start empty", async () => {
    const task = await alice.client.createTask({ input: "no repo", template_version_id: await echoTemplateVersion() });
    expect(task.rich_parameter_values).toEqual([]);
    const started = await waitFor("its repository", async () => {
      const t = await alice.client.task("me", task.id);
      return t.status === "active" && t.repository ? t : undefined;
    }, 30_000);
    expect(started.repository).toMatchObject({ url: "", branch: `taskyard/${task.name}`, changed_files: 0 });
    const res = await changes(task);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ files: [], diff: "", commits: [], base_commit: started.repository!.base_commit });
  });
});

/**
 * The clone runs in the workspace's sandbox as its unprivileged user, which sees the allowed roots
 * and nothing else of the host: only where that holds (root with bubblewrap) can it be tested.
 */
describe.skipIf(!hasBubblewrap || !asRoot)("local repositories are read as the workspace's user, inside the allowed roots only", () => {
  const cloneFails = async (value: string) => {
    const task = await repoTask([{ name: "repo_url", value }]);
    const failed = await waitForStatus(alice.client, task.id, "error", 30_000);
    expect(failed.current_state?.message, value).toMatch(/^Cloning .* failed: /);
    await expect(fs.stat(workspaceRepo(task)), value).rejects.toThrow();
    return task;
  };

  it("refuses a repository inside a 0700 root-owned directory of an allowed root (path and file://)", async () => {
    const locked = await fs.mkdtemp(path.join(inject("repoRoot"), "locked-"));
    await fs.chmod(locked, 0o700);
    try {
      const hidden = path.join(locked, "hidden.git");
      git(tmp, "clone", "--quiet", "--bare", origin, hidden);
      git(tmp, "--git-dir", hidden, "rev-parse", "main"); // root can read it: the repository is fine, the permission is what refuses
      await cloneFails(hidden);
      await cloneFails(`file://${hidden}`);
    } finally {
      await fs.rm(locked, { recursive: true, force: true });
    }
  });

  it("cannot clone through a symlink in an allowed root to another workspace's repository or to the data dir", async () => {
    const victim = await repoTask([{ name: "repo_url", value: origin }]);
    await waitForState(alice.client, victim.id, "idle", 30_000);
    await say(victim, "/write secret.txt uncommitted work of another user");
    const links = await fs.mkdtemp(path.join(inject("repoRoot"), "links-"));
    try {
      await fs.symlink(workspaceRepo(victim), path.join(links, "workspace-repo"));
      await fs.symlink(inject("dataDir"), path.join(links, "data"));
      await cloneFails(path.join(links, "workspace-repo"));
      await cloneFails(`file://${links}/data/workspaces/${victim.workspace_id}/repo`);
    } finally {
      await fs.rm(links, { recursive: true, force: true });
      await alice.client.deleteTask("me", victim.id);
    }
  });
});
