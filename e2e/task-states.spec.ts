import { ADMIN, expect, snap, test, uniqueWord } from "./fixtures";
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
  await snap(page, "task-error");

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
  // Five requests render the page: who I am, the task's live stream (task + logs), the dashboard's
  // change events, its setup script's log (the Setting up stage), and once the events are open, the
  // count of my tasks waiting for input (the tab's badge).
  await expect.poll(() => calls.length).toBeGreaterThanOrEqual(5);
  expect(calls.sort()).toEqual(
    [`/api/v2/tasks/${ADMIN.username}/${task.id}/logs/stream`, `/api/v2/tasks/${ADMIN.username}/${task.id}/setup-log`, "/api/v2/task-events", "/api/v2/tasks", "/api/v2/users/me"].sort(),
  );

  await taskPage.goto(ADMIN.username, task.name);
  await expect(taskPage.heading()).toHaveText(task.display_name);

  await taskPage.goto(ADMIN.username, "no-such-task-anywhere");
  await expect(page.getByRole("alert").filter({ hasText: "Task not found" })).toBeVisible();
  await snap(page, "task-not-found", { fullPage: false });
  await api.deleteTask(ADMIN.username, task.name);
});

test("the log follows new messages, but waits while the reader has scrolled up; the prompt copies", async ({ signedInPage: page, api, context }) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  const echo = (await api.templates()).find((t) => t.name === "echo")!;
  const task = await api.createTask({ input: `Scrolling ${uniqueWord("scroll")}`, template_version_id: echo.active_version_id });
  const taskPage = new TaskPage(page);
  await page.setViewportSize({ width: 1280, height: 640 });
  await taskPage.goto(ADMIN.username, task.name);
  await taskPage.expectLive();
  for (let i = 1; i <= 4; i++) {
    await taskPage.send(`message number ${i}\n${"line\n".repeat(3)}end`);
    await expect(taskPage.entry(`You said: message number ${i}`)).toBeVisible();
  }
  const distanceFromBottom = () => taskPage.log().evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight);
  await expect.poll(distanceFromBottom).toBeLessThan(5);

  await taskPage.log().evaluate((el) => el.scrollTo({ top: 0 }));
  await taskPage.send("while you were reading");
  await expect(page.getByRole("button", { name: "New messages" })).toBeVisible();
  expect(await taskPage.log().evaluate((el) => el.scrollTop)).toBe(0);
  await page.getByRole("button", { name: "New messages" }).click();
  await expect.poll(distanceFromBottom).toBeLessThan(5);
  await expect(page.getByRole("button", { name: "New messages" })).toBeHidden();

  await taskPage.copyPrompt().click();
  await expect(page.getByRole("button", { name: "Prompt copied" })).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(task.initial_prompt);
  await api.deleteTask(ADMIN.username, task.name);
});
