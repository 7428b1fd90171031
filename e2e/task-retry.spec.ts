import { randomBytes } from "node:crypto";
import { startGitHttpServer, type GitHttpServer } from "../tests/support/git-http-server";
import { expect, snap, test, uniqueWord } from "./fixtures";
import { TaskPage } from "./pages/task-page";
import { TasksPage } from "./pages/tasks-page";

/**
 * A failed clone is not a dead end: the task page shows the error with an "Edit and retry" form;
 * a retry that would fail the same way says so at the field, and a corrected URL clones and runs.
 * The repository is served by git's own http-backend, behind Basic auth with the admin's stored
 * credential.
 */
test.describe("retrying a task whose clone failed", () => {
  const token = `tok_${randomBytes(12).toString("hex")}`;
  let git: GitHttpServer;
  test.beforeAll(async ({ api }) => {
    git = await startGitHttpServer({ token, name: "webapp" });
    await api.createGitProvider({ kind: "generic", host: git.host });
    await api.createGitCredential({ host: git.host, token, username: "admin" });
  });
  test.afterAll(async () => {
    await git?.close();
  });

  test("a misspelt repository URL, refused again as it is, corrected, then the task runs", async ({ signedInPage: page, api }) => {
    test.setTimeout(150_000);
    const word = uniqueWord("retry");
    const echo = (await api.templates()).find((t) => t.name === "echo")!.active_version_id;
    const misspelt = `${git.origin}/wepapp.git`;
    const task = await api.createTask({ input: `Read the README ${word}`, template_version_id: echo, rich_parameter_values: [{ name: "repo_url", value: misspelt }] });
    const taskPage = new TaskPage(page);
    await taskPage.goto(task.owner_name, task.name);

    const retry = page.getByRole("region", { name: "Edit and retry" });
    await expect(taskPage.status()).toHaveText(/Error/, { timeout: 60_000 });
    await expect(retry).toBeVisible();
    await expect(retry.getByTestId("task-failure")).toContainText("wepapp.git failed");
    await expect(page.getByText("Resume the task to start it again")).toHaveCount(0);
    const repository = retry.getByLabel("Repository", { exact: true });
    await expect(repository).toHaveValue(misspelt);
    await snap(page, "task-retry-failed");

    // Retrying unchanged is refused before anything starts, with the reason at the field.
    await retry.getByRole("button", { name: "Retry" }).click();
    await expect(retry.getByRole("alert")).toContainText("The task's repository cannot be cloned");
    await expect(repository).toHaveAttribute("aria-invalid", "true");
    await expect(taskPage.status()).toHaveText(/Error/);

    // Corrected, with a reworded prompt: the retry clones the right repository and the agent gets the new prompt.
    await repository.fill(git.url);
    await expect(repository).not.toHaveAttribute("aria-invalid", "true");
    await retry.getByLabel("Prompt", { exact: true }).fill(`Summarise the README ${word}`);
    await retry.getByRole("button", { name: "Retry" }).click();
    await expect(taskPage.status()).toHaveText(/Active/, { timeout: 60_000 });
    await expect(retry).toHaveCount(0);
    await expect(taskPage.promptText()).toHaveText(`Summarise the README ${word}`);
    await expect(taskPage.tab("Changes")).toBeVisible();
    await expect(taskPage.entries().first()).toContainText(`Summarise the README ${word}`);
    const ran = await api.task("me", task.id);
    expect(ran.repository).toMatchObject({ url: git.url, base_ref: "main" });
    expect(git.log()).toContain(ran.repository!.base_commit);
    await snap(page, "task-retry-running");
    await api.deleteTask("me", task.id);
  });
});

test("the prompt box shows the prompt's size against the limit and refuses an oversized prompt before submit", async ({ signedInPage: page }) => {
  const tasks = new TasksPage(page);
  const creations: string[] = [];
  page.on("request", (req) => req.method() === "POST" && /\/api\/v2\/tasks\/[^/]+$/.test(new URL(req.url()).pathname) && creations.push(req.url()));
  await tasks.goto();
  const size = page.getByRole("form", { name: "New task" }).getByTestId("prompt-size");
  await expect(size).toHaveCount(0);
  await tasks.prompt().fill("Fix the build €");
  await expect(size).toHaveText("17 B of 32 KB"); // bytes of UTF-8, as the server counts: € is three
  await expect(tasks.createButton()).toBeEnabled();

  // 44 KB: refused here, not after a round trip.
  await tasks.prompt().fill("x".repeat(44 * 1024));
  await expect(size).toHaveText("Prompt too long: 44 KB of 32 KB. Shorten it to submit.");
  await expect(tasks.prompt()).toHaveAttribute("aria-invalid", "true");
  await expect(tasks.createButton()).toBeDisabled();
  await tasks.prompt().press("Control+Enter");
  await page.waitForTimeout(500);
  expect(creations).toEqual([]);
  await snap(page, "prompt-too-long", { fullPage: false });

  // Exactly at the limit is accepted.
  await tasks.prompt().fill("x".repeat(32 * 1024));
  await expect(size).toHaveText("32 KB of 32 KB");
  await expect(tasks.createButton()).toBeEnabled();
});
