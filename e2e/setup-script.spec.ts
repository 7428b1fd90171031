import postgres from "postgres";
import { databaseUrlOf } from "../tests/support/stack-db";
import { insertTemplateVersion } from "../tests/support/templates";
import { expect, snap, test, uniqueWord } from "./fixtures";
import { TaskPage } from "./pages/task-page";

/**
 * A template's setup script as the task page shows it: a "Setting up" stage with the script's
 * output, live while it runs and kept after (folded once it succeeded), and a failed script's
 * exit code and last lines where the task's failure is shown. The templates are written into the
 * database (the templates API is another part of the work).
 */
let sql: postgres.Sql;
test.beforeAll(async () => {
  sql = postgres(await databaseUrlOf(process.env.TASKYARD_E2E_DATA_DIR!), { max: 1, onnotice: () => {} });
});
test.afterAll(async () => {
  await sql?.end();
});

test("the Setting up stage shows the script's output while it runs and keeps it after", async ({ signedInPage: page, api }) => {
  test.setTimeout(120_000);
  const version = await insertTemplateVersion(sql, { brain: "echo", setup_script: "echo installing dependencies\nsleep 8\necho '<b>not markup</b>'\nsleep 6\necho dependencies installed" }, "e2e-setup");
  const task = await api.createTask({ input: `Set up first ${uniqueWord("setup")}`, template_version_id: version });
  const taskPage = new TaskPage(page);
  await taskPage.goto(task.owner_name, task.name);

  // While it runs: the stage is the current one, its output open and growing.
  await expect(taskPage.stage("Setting up")).toHaveAttribute("data-state", "current", { timeout: 30_000 });
  await expect(taskPage.stage("Provisioning")).toHaveAttribute("data-state", "done");
  await expect(taskPage.setupOutput()).toContainText("installing dependencies");
  await expect(taskPage.setupOutput()).not.toContainText("dependencies installed");
  await expect(taskPage.setupToggle()).toHaveAttribute("aria-expanded", "true");
  await expect(taskPage.setupToggle()).toContainText("Running");
  await snap(page, "setup-script-running");

  // Done: the agent runs, the stage is done and its output folded, one click away.
  await expect(taskPage.status()).toHaveText(/Active/, { timeout: 60_000 });
  await expect(taskPage.stage("Setting up")).toHaveAttribute("data-state", "done");
  await expect(taskPage.setupToggle()).toContainText("Done");
  await expect(taskPage.setupToggle()).toHaveAttribute("aria-expanded", "false");
  await expect(taskPage.setupOutput()).toHaveCount(0);

  // Kept: after a reload the log is read back from the server.
  await page.reload();
  await taskPage.setupToggle().click();
  await expect(taskPage.setupOutput()).toHaveText(/installing dependencies[\s\S]*dependencies installed/);
  // Output is text: a tag in it is shown, not rendered.
  await expect(taskPage.setupOutput()).toContainText("<b>not markup</b>");
  await expect(taskPage.setupOutput().locator("b")).toHaveCount(0);
  await snap(page, "setup-script-done");
});

test("a failing setup script shows the task failed in Setting up, with its exit code and last lines", async ({ signedInPage: page, api }) => {
  test.setTimeout(120_000);
  const version = await insertTemplateVersion(sql, { brain: "echo", setup_script: "echo fetching packages\necho 'E: Unable to locate package nothing-here' >&2\nexit 100" }, "e2e-setup-fail");
  const task = await api.createTask({ input: `Set up and fail ${uniqueWord("setupfail")}`, template_version_id: version });
  const taskPage = new TaskPage(page);
  await taskPage.goto(task.owner_name, task.name);

  await expect(taskPage.status()).toHaveText(/Error/, { timeout: 60_000 });
  const stage = taskPage.stage("Setting up");
  await expect(stage).toHaveAttribute("data-state", "failed");
  await expect(stage).toContainText("The setup script exited with code 100");
  await expect(stage).toContainText("Unable to locate package nothing-here");
  await expect(taskPage.stage("Provisioning")).toHaveAttribute("data-state", "done");
  await expect(taskPage.setupToggle()).toContainText("Failed · exit code 100");
  await expect(taskPage.setupOutput()).toContainText("fetching packages");
  await snap(page, "setup-script-failed");
});
