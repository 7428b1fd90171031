import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import type { TaskyardClient } from "../lib/sdk/client";
import { startGitHubStandIn } from "../tests/support/forge-stand-ins";
import { startGitHttpServer, type GitHttpServer } from "../tests/support/git-http-server";
import { ADMIN, expect, snap, test, uniqueWord } from "./fixtures";
import { TaskPage } from "./pages/task-page";
import { TasksPage } from "./pages/tasks-page";

const TOKEN = `ghp_${randomBytes(18).toString("hex")}`;

const gitIn = (cwd: string, ...args: string[]) =>
  execFileSync("git", args, { cwd, encoding: "utf8", env: { ...process.env, GIT_CONFIG_GLOBAL: "/dev/null", GIT_CONFIG_NOSYSTEM: "1" } });

/** Sends input over the API and waits for the agent's answer and for it to be idle again. */
async function say(api: TaskyardClient, task: string, input: string) {
  const before = (await api.logs(ADMIN.username, task)).logs.length;
  await api.send(ADMIN.username, task, input);
  await expect
    .poll(async () => {
      const [logs, t] = await Promise.all([api.logs(ADMIN.username, task), api.task(ADMIN.username, task)]);
      return logs.logs.length >= before + 2 && t.current_state?.state === "idle";
    }, { timeout: 30_000 })
    .toBe(true);
}

test.describe("push a task's branch and open a pull request from the dashboard", () => {
  let git: GitHttpServer;
  let github: Awaited<ReturnType<typeof startGitHubStandIn>>;
  // The stand-in knows a repository's branches from this list (not from the git server): a pushed branch is added to it.
  const standInRepository = { branches: ["main"] };
  let providerId: string | undefined;
  let credentialId: string | undefined;

  test.beforeAll(async ({ api }) => {
    // "acme/app": a path GitHub's API can name (owner/repository).
    git = await startGitHttpServer({ token: TOKEN, name: "acme/app" });
    github = await startGitHubStandIn({ [TOKEN]: { login: "octo-push", scopes: ["repo"] } }, { repositories: { "acme/app": standInRepository } });
    providerId = (await api.createGitProvider({ kind: "github", host: git.host, api_url: github.url })).id;
    credentialId = (await api.createGitCredential({ host: git.host, token: TOKEN })).id;
  });
  test.afterAll(async ({ api }) => {
    if (credentialId) await api.deleteGitCredential(credentialId).catch(() => {});
    if (providerId) await api.deleteGitProvider(providerId).catch(() => {});
    await github?.close();
    await git?.close();
  });

  async function repoTask(api: TaskyardClient, input: string) {
    const echo = (await api.templates()).find((t) => t.name === "echo")!;
    const task = await api.createTask({ input, template_version_id: echo.active_version_id, rich_parameter_values: [{ name: "repo_url", value: git.url }] });
    await expect.poll(async () => (await api.task(ADMIN.username, task.id)).current_state?.state, { timeout: 60_000 }).toBe("idle");
    return task;
  }

  test("the Changes tab shows the agent's work and what is not pushed; Push puts taskyard/<name> on the remote", async ({ signedInPage: page, api }) => {
    test.setTimeout(150_000);
    const prompt = `Greet the remote ${uniqueWord("push")}`;
    const task = await repoTask(api, prompt);
    const branch = `taskyard/${task.name}`;
    const taskPage = new TaskPage(page);
    await taskPage.goto(ADMIN.username, task.name);
    await taskPage.expectLive();
    await taskPage.send("/sh echo one > one.txt && git add -A && git commit -qm 'Add one' && echo committed-$((40 + 2))");
    await expect(taskPage.entry("committed-42")).toBeVisible({ timeout: 20_000 });
    await taskPage.send("/write hello.txt hello from the agent");
    await expect(taskPage.entry("Wrote hello.txt.")).toBeVisible({ timeout: 20_000 });

    await taskPage.tab("Changes").click();
    await expect(taskPage.changedFiles()).toHaveCount(2);
    await expect(taskPage.commits()).toHaveCount(1);
    await expect(taskPage.diffFile("hello.txt").locator(".diff-code-insert")).toHaveText(["hello from the agent"]);
    await expect(taskPage.unpushedSummary()).toHaveText("1 unpushed commit · 1 uncommitted file");
    await expect(taskPage.downloadPatch()).toBeEnabled();
    await expect(taskPage.openPullRequestForm()).toBeEnabled();

    const busy = await taskPage.clickAndRecordBusy(taskPage.pushButton());
    await expect(taskPage.pushResult()).toHaveText(/^Pushed [0-9a-f]{7} to /, { timeout: 30_000 });
    expect(await busy()).toBe(true);
    const pushed = (await api.task(ADMIN.username, task.name)).repository?.pushed_commit;
    expect(pushed).toMatch(/^[0-9a-f]{40}$/);
    await expect(taskPage.pushResult()).toHaveText(`Pushed ${pushed!.slice(0, 7)} to ${branch}`);
    // On the remote: the branch at that commit, with both files; main untouched.
    expect(git.log(branch).split("\n")[0]).toBe(`${pushed} ${task.display_name}`);
    expect(gitIn(git.bare, "show", `${branch}:hello.txt`)).toBe("hello from the agent\n");
    expect(gitIn(git.bare, "show", `${branch}:one.txt`)).toBe("one\n");
    expect(git.log("main").trim().split("\n")).toHaveLength(1);
    // Nothing left to push: the summary goes, the new commit is listed.
    await expect(taskPage.unpushedSummary()).toHaveCount(0);
    await expect(taskPage.commits()).toHaveCount(2);
    await snap(page, "task-push");

    await test.step("Create pull request: a form with the display name as title; then the pull request, linked", async () => {
      standInRepository.branches.push(branch);
      await taskPage.openPullRequestForm().click();
      const form = taskPage.pullRequestForm();
      await expect(form.getByLabel("Title")).toHaveValue(task.display_name);
      await expect(form.getByLabel("Description")).toHaveAttribute("placeholder", /Taskyard writes it/);
      await expect(form.getByLabel("Draft")).not.toBeChecked();
      await form.getByRole("button", { name: "Create pull request" }).click();
      const link = taskPage.pullRequestLink();
      await expect(link).toHaveText("Pull request #1 · Open", { timeout: 30_000 });
      expect(github.pulls).toHaveLength(1);
      const [pull] = github.pulls;
      expect(pull).toMatchObject({ project: "acme/app", head: branch, base: "main", title: task.display_name, draft: false });
      // Left empty, the description is the server's summary.
      expect(pull.body).toContain(prompt);
      const { pull_request } = await api.task(ADMIN.username, task.name);
      expect(pull_request).toMatchObject({ provider: "github", number: 1, state: "open", draft: false });
      await expect(link).toHaveAttribute("href", pull_request!.url);
      await expect(link).toHaveAttribute("target", "_blank");
      await expect(link).toHaveAttribute("rel", "noopener noreferrer");
      await expect(taskPage.openPullRequestForm()).toHaveCount(0);
      await expect(taskPage.pullRequestForm()).toHaveCount(0);
      expect(github.problems).toEqual([]);
      await snap(page, "task-pull-request");
    });

    await test.step("the list row carries the PR badge, linking to it", async () => {
      await page.getByRole("link", { name: "All tasks" }).click();
      const badge = new TasksPage(page).row(task.display_name).getByTestId("task-pull-request");
      await expect(badge).toHaveText("PR #1");
      await expect(badge).toHaveAttribute("data-state", "open");
      await expect(badge).toHaveAttribute("href", (await api.task(ADMIN.username, task.name)).pull_request!.url);
      await expect(badge).toHaveAttribute("rel", "noopener noreferrer");
    });

    await api.deleteTask(ADMIN.username, task.name);
  });

  test("a draft pull request with a title and description of one's own; a forge that refuses shows its message", async ({ signedInPage: page, api }) => {
    test.setTimeout(120_000);
    const task = await repoTask(api, `Draft it ${uniqueWord("draft")}`);
    standInRepository.branches.push(`taskyard/${task.name}`);
    await say(api, task.id, "/write draft.txt work in progress");
    const taskPage = new TaskPage(page);
    await taskPage.goto(ADMIN.username, task.name);
    await taskPage.tab("Changes").click();
    await taskPage.openPullRequestForm().click();
    const form = taskPage.pullRequestForm();
    await form.getByLabel("Title").fill("Work in <b>progress</b>");
    await form.getByLabel("Description").fill("Not done yet.");
    await form.getByLabel("Draft").check();

    github.fail("forbidden", { method: "POST" });
    await form.getByRole("button", { name: "Create pull request" }).click();
    await expect(form.getByRole("alert")).toContainText("Resource not accessible by personal access token", { timeout: 30_000 });
    // The form keeps what was typed for another try.
    await expect(form.getByLabel("Title")).toHaveValue("Work in <b>progress</b>");
    await form.getByRole("button", { name: "Create pull request" }).click();
    await expect(taskPage.pullRequestLink()).toHaveText(/^Pull request #\d+ · Draft$/, { timeout: 30_000 });
    const pull = github.pulls.find((p) => p.head === `taskyard/${task.name}`);
    expect(pull).toMatchObject({ title: "Work in <b>progress</b>", body: "Not done yet.", draft: true });
    await api.deleteTask(ADMIN.username, task.name);
  });

  test("a push that fails shows the server’s reason as text (no credential: where to add one)", async ({ signedInPage: page, api }) => {
    test.setTimeout(120_000);
    const task = await repoTask(api, `Push without a credential ${uniqueWord("nocred")}`);
    const taskPage = new TaskPage(page);
    await taskPage.goto(ADMIN.username, task.name);
    await taskPage.tab("Changes").click();
    // Without the credential: a 409 naming where to add one.
    await api.deleteGitCredential(credentialId!);
    credentialId = undefined;
    try {
      await taskPage.pushButton().click();
      const alert = taskPage.changes().getByRole("alert");
      await expect(alert).toContainText("Settings → Git credentials", { timeout: 20_000 });
    } finally {
      credentialId = (await api.createGitCredential({ host: git.host, token: TOKEN })).id;
    }
    await api.deleteTask(ADMIN.username, task.name);
  });

  test("deleting a task with unpushed work says how much would be lost", async ({ signedInPage: page, api }) => {
    test.setTimeout(120_000);
    const prompt = `Leave work behind ${uniqueWord("unpushed")}`;
    const task = await repoTask(api, prompt);
    await say(api, task.id, "/sh echo a > a.txt && git add -A && git commit -qm A && echo b > b.txt && git add -A && git commit -qm B");
    await say(api, task.id, "/sh echo c > c.txt && echo d > d.txt");

    const tasks = new TasksPage(page);
    await tasks.goto();
    const row = tasks.row(prompt);
    await row.getByRole("button", { name: `Delete ${prompt}` }).click();
    const dialog = page.getByRole("dialog");
    await expect(dialog.getByTestId("delete-unpushed-warning")).toHaveText("2 unpushed commits and 2 uncommitted files will be lost. Push first to keep them.");
    await dialog.getByRole("button", { name: "Cancel" }).click();

    // Pushed, nothing is at stake: the plain confirmation.
    await api.push(ADMIN.username, task.id);
    await row.getByRole("button", { name: `Delete ${prompt}` }).click();
    await expect(dialog.getByText("This can’t be undone.")).toBeVisible();
    await expect(dialog.getByTestId("delete-unpushed-warning")).toHaveCount(0);
    await dialog.getByRole("button", { name: "Delete task" }).click();
    await expect(row).toHaveCount(0);
  });
});
