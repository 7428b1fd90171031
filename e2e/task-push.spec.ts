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

test.describe("push a task's branch from the dashboard", () => {
  let git: GitHttpServer;
  let github: Awaited<ReturnType<typeof startGitHubStandIn>>;
  let providerId: string | undefined;
  let credentialId: string | undefined;

  test.beforeAll(async ({ api }) => {
    git = await startGitHttpServer({ token: TOKEN });
    github = await startGitHubStandIn({ [TOKEN]: { login: "octo-push", scopes: ["repo"] } });
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
