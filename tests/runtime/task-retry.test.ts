import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Task } from "../../lib/sdk/client";
import { baseUrl, createTestUser, echoTemplateVersion, ownerClient, raw, type TestUser } from "../support/api";
import { newConfigDir, runCli } from "../support/cli";
import { startGitHttpServer, type GitHttpServer } from "../support/git-http-server";
import { db, waitFor, waitForStatus } from "../support/runtime";

/**
 * A failed first start is not a dead end: the repository and the prompt of a task whose clone
 * failed can be corrected and the task retried, and a retry that would fail the same way is
 * refused before any build is queued. Against a real git server (git's http-backend, Basic auth
 * with the owner's stored credential) and real builds.
 */
const TOKEN = `tok_${randomBytes(12).toString("hex")}`;
let git: GitHttpServer;
let alice: TestUser;
let bob: TestUser;

beforeAll(async () => {
  git = await startGitHttpServer({ token: TOKEN, name: "project" });
  // A generic provider for the test server's host: the owner's token goes to the clone (and the retry's check) from memory.
  await ownerClient().createGitProvider({ kind: "generic", host: git.host });
  alice = await createTestUser();
  bob = await createTestUser();
  await alice.client.createGitCredential({ host: git.host, token: TOKEN, username: "alice" });
});
afterAll(async () => {
  await git?.close();
});

const path = (task: Task, rest = "") => `/api/v2/tasks/${alice.username}/${task.id}${rest}`;
const builds = async (task: Task) => Number((await db()`SELECT count(*)::int AS n FROM workspace_builds WHERE workspace_id = ${task.workspace_id}`)[0].n);

async function failedTask(repoUrl: string, extra: { name: string; value: string }[] = []): Promise<Task> {
  const task = await alice.client.createTask({
    input: "Read the README",
    template_version_id: await echoTemplateVersion(),
    rich_parameter_values: [{ name: "repo_url", value: repoUrl }, ...extra],
  });
  const failed = await waitForStatus(alice.client, task.id, "error", 60_000);
  expect(failed.has_started).toBe(false);
  return failed;
}

describe("retrying a task whose repository failed to clone", () => {
  it("corrects the repository URL (and the prompt), refuses a retry that would fail again, then clones and runs", async () => {
    const task = await failedTask(`${git.origin}/projekt.git`);
    expect(task.current_state).toMatchObject({ state: "failed", message: expect.stringMatching(/^Cloning http:\/\/.+\/projekt\.git failed/) });
    const before = await builds(task);

    // The same repository again: a clear 400 naming the field, and no build queued.
    const again = await raw("POST", path(task, "/resume"), { token: alice.token });
    expect(again.status).toBe(400);
    expect(again.body.message).toMatch(/^The task's repository cannot be cloned: http:\/\/.+\/projekt\.git cannot be read: .*not found/);
    expect(again.body.validations).toEqual([{ field: "repo_url", detail: expect.stringContaining("projekt.git") }]);
    expect(await builds(task)).toBe(before);

    // Someone else's task is not found, whatever its state.
    expect((await raw("PATCH", path(task, "/repository"), { token: bob.token, body: { repo_url: git.url } })).status).toBe(404);

    // The prompt is editable in this state (no agent ever had it).
    expect((await raw("PATCH", path(task, "/prompt"), { token: alice.token, body: { prompt: "Summarise the README" } })).status).toBe(204);

    // The right repository with a branch it does not have: saved, but the retry says which ref is missing.
    const withRef = await raw("PATCH", `/api/experimental/tasks/${alice.username}/${task.id}/repository`, { token: alice.token, body: { repo_url: git.url, base_ref: "develop" } });
    expect(withRef.status).toBe(200);
    expect(withRef.body.rich_parameter_values).toEqual([{ name: "repo_url", value: git.url }, { name: "base_ref", value: "develop" }]);
    const missingRef = await raw("POST", path(task, "/resume"), { token: alice.token });
    expect(missingRef.status).toBe(400);
    expect(missingRef.body.validations).toEqual([{ field: "base_ref", detail: `${git.url} has no branch or tag named "develop"` }]);
    expect(await builds(task)).toBe(before);

    // Bad input is a 400 naming the field, never a 5xx.
    const invalid = await raw("PATCH", path(task, "/repository"), { token: alice.token, body: { repo_url: "ext::sh -c id" } });
    expect(invalid.status).toBe(400);
    expect(invalid.body.validations[0].field).toBe("repo_url");
    const credentials = await raw("PATCH", path(task, "/repository"), { token: alice.token, body: { repo_url: git.url.replace("http://", `http://x:${TOKEN}@`) } });
    expect(credentials.status).toBe(400);

    // Corrected: the base ref left out means the default branch. The retry clones and runs the edited prompt.
    const fixed = await alice.client.updateRepository("me", task.id, { repo_url: git.url });
    expect(fixed.rich_parameter_values).toEqual([{ name: "repo_url", value: git.url }]);
    expect(fixed.status).toBe("error");
    const resumed = await raw("POST", path(task, "/resume"), { token: alice.token });
    expect(resumed.status).toBe(202);
    const active = await waitForStatus(alice.client, task.id, "active", 60_000);
    expect(active.has_started).toBe(true);
    expect(active.repository).toMatchObject({ url: git.url, base_ref: "main", branch: `taskyard/${task.name}` });
    expect(git.log()).toContain(active.repository!.base_commit);
    const { logs } = await waitFor("the agent's reply", async () => {
      const l = await alice.client.logs("me", task.id);
      return l.logs.length >= 2 ? l : undefined;
    });
    expect(logs[0]).toMatchObject({ type: "input", content: "Summarise the README" });

    // Once the task has started, its repository is fixed: active, and paused alike.
    const whileActive = await raw("PATCH", path(task, "/repository"), { token: alice.token, body: { repo_url: git.url } });
    expect(whileActive.status).toBe(409);
    expect(whileActive.body.message).toBe("The repository of a task that has started cannot be changed.");
    await alice.client.pause("me", task.id);
    await waitForStatus(alice.client, task.id, "paused", 30_000);
    expect((await raw("PATCH", path(task, "/repository"), { token: alice.token, body: { repo_url: git.url } })).status).toBe(409);
    await alice.client.deleteTask("me", task.id);
  });

  it("says so before queuing a build when a local repository is missing", async () => {
    const missing = `file://${inject("repoRoot")}/missing-${randomBytes(4).toString("hex")}.git`;
    const task = await failedTask(missing);
    const before = await builds(task);
    const res = await raw("POST", path(task, "/resume"), { token: alice.token });
    expect(res.status).toBe(400);
    expect(res.body.validations[0]).toMatchObject({ field: "repo_url", detail: expect.stringMatching(/missing-.*cannot be read: .*(does not exist|not found|Could not read)/) });
    expect(await builds(task)).toBe(before);
    await alice.client.deleteTask("me", task.id);
  });
});

describe("taskyard task edit", () => {
  it("says what is wrong with a retry, then corrects the repository and ref and retries until the task runs", async () => {
    const config = await newConfigDir();
    await runCli(["login", baseUrl(), "--token", alice.token], { config });
    const cli = (...args: string[]) => runCli(args, { config });
    const task = await failedTask(git.url, [{ name: "base_ref", value: "mian" }]);

    const resume = await cli("task", "resume", task.name, "-y");
    expect(resume.code).toBe(1);
    expect(resume.stderr).toContain(`failed before its agent started`);
    expect(resume.stderr).toContain(`taskyard task edit ${alice.username}/${task.name} --repo <url> --ref <ref> --retry`);

    const unchanged = await cli("task", "edit", task.name, "--retry");
    expect(unchanged.code).toBe(1);
    expect(unchanged.stderr).toContain(`has no branch or tag named "mian"`);

    // --ref alone keeps the repository.
    const edited = await cli("task", "edit", task.name, "--ref", "main", "--retry");
    expect(edited.stderr + edited.stdout).toContain(`The ${alice.username}/${task.name} task is running.`);
    expect(edited.code).toBe(0);
    const running = await alice.client.task("me", task.id);
    expect(running).toMatchObject({ status: "active", repository: { url: git.url, base_ref: "main" } });

    const late = await cli("task", "edit", task.name, "--repo", git.url);
    expect(late.code).toBe(1);
    expect(late.stderr).toContain("The repository of a task that has started cannot be changed: It was cloned at the task's first start");
    await alice.client.deleteTask("me", task.id);
  });
});

describe("rich_parameter_values names", () => {
  it("refuses an unknown name with a 400 listing the valid ones (built in and the template's)", async () => {
    const res = await raw("POST", "/api/v2/tasks/me", {
      token: bob.token,
      body: { input: "x", template_version_id: await echoTemplateVersion(), rich_parameter_values: [{ name: "model", value: "m" }, { name: "repo", value: git.url }] },
    });
    expect(res.status).toBe(400);
    expect(res.body.message).toBe('Unknown parameter "repo". Valid names: repo_url, base_ref, model, max_cost_usd, auto_pause_after_idle, reply_delay_ms.');
    expect(res.body.validations).toEqual([{ field: "rich_parameter_values.1.name", detail: '"repo" is not a parameter of this template; valid names: repo_url, base_ref, model, max_cost_usd, auto_pause_after_idle, reply_delay_ms' }]);
    expect((await bob.client.tasks()).tasks).toHaveLength(0);
    // A preset's own parameter is one of the template's.
    const slow = await bob.client.createTask({ input: "x", template_version_id: await echoTemplateVersion(), rich_parameter_values: [{ name: "reply_delay_ms", value: "10" }] });
    await bob.client.deleteTask("me", slow.id);
  });
});
