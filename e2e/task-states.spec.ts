import { ADMIN, expect, SCREENSHOTS, test, uniqueWord } from "./fixtures";
import { TaskPage } from "./pages/task-page";

test("a crashed agent: error status, logs unavailable with the reason, failed stage in red, and Resume brings it back", async ({
  signedInPage: page,
  api,
}) => {
  const echo = (await api.templates()).find((t) => t.name === "echo")!;
  const task = await api.createTask({ input: `Crash test ${uniqueWord("crash")}`, template_version_id: echo.active_version_id });
  const taskPage = new TaskPage(page);
  await taskPage.goto(ADMIN.username, task.name);
  await taskPage.expectLive();
  await expect(taskPage.entry(/You said: Crash test/)).toBeVisible({ timeout: 20_000 });

  await taskPage.send("/crash");
  await expect(taskPage.status()).toHaveText("Error", { timeout: 30_000 });
  await expect(page.getByRole("status").filter({ hasText: "Logs are not available" })).toBeVisible();
  await expect(taskPage.timeline().locator('[data-state="failed"]')).toHaveCount(1);
  await expect(taskPage.messageBox()).toBeDisabled();
  await expect(taskPage.resumeButton()).toBeEnabled();
  await page.screenshot({ path: `${SCREENSHOTS}/task-error.png`, fullPage: true });

  await taskPage.resumeButton().click();
  await expect(taskPage.status()).toHaveText("Active", { timeout: 30_000 });
  await taskPage.expectLive();
  await expect(taskPage.messageBox()).toBeEnabled();
  await api.deleteTask(ADMIN.username, task.name);
});

test("opening a task by id or by name; an unknown task is a clear 404", async ({ signedInPage: page, api }) => {
  const echo = (await api.templates()).find((t) => t.name === "echo")!;
  const task = await api.createTask({ input: `Addressable ${uniqueWord("addr")}`, template_version_id: echo.active_version_id });
  const taskPage = new TaskPage(page);

  const calls: string[] = [];
  page.on("request", (r) => {
    if (r.url().includes("/api/")) calls.push(new URL(r.url()).pathname);
  });
  await taskPage.goto(ADMIN.username, task.id);
  await expect(taskPage.heading()).toHaveText(task.display_name);
  await expect(taskPage.promptText()).toHaveText(task.initial_prompt);
  // Two requests render the page: who I am, and the task's live stream (task + logs).
  expect(calls.sort()).toEqual([`/api/v2/tasks/${ADMIN.username}/${task.id}/logs/stream`, "/api/v2/users/me"].sort());

  await taskPage.goto(ADMIN.username, task.name);
  await expect(taskPage.heading()).toHaveText(task.display_name);

  await taskPage.goto(ADMIN.username, "no-such-task-anywhere");
  await expect(page.getByRole("alert").filter({ hasText: "Task not found" })).toBeVisible();
  await page.screenshot({ path: `${SCREENSHOTS}/task-not-found.png` });
  await api.deleteTask(ADMIN.username, task.name);
});
