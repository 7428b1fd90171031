import { ADMIN, expect, snap, test, uniqueWord } from "./fixtures";
import { LoginPage } from "./pages/login-page";
import { TaskPage } from "./pages/task-page";
import { TasksPage } from "./pages/tasks-page";

// The whole life of a task through the dashboard, as issue #5 describes it.
test("sign in, create a task, talk to it, pause, edit, resume and delete it", async ({ page }) => {
  const login = new LoginPage(page);
  const tasks = new TasksPage(page);
  const taskPage = new TaskPage(page);
  const word = uniqueWord("flow");
  const prompt = `Fix the login bug ${word}`;

  await test.step("sign in (and land where the redirect said)", async () => {
    await page.goto("/tasks");
    await expect(page).toHaveURL(/\/login\?redirect=%2Ftasks/);
    await expect(login.heading()).toBeVisible();
    await snap(page, "login", { fullPage: false });
    await login.signIn(ADMIN.email, "wrong-password");
    await expect(page.getByRole("alert").filter({ hasText: "Incorrect email or password." })).toBeVisible();
    await login.signIn(ADMIN.email, ADMIN.password);
    await expect(page).toHaveURL(/\/tasks$/);
  });

  await test.step("create a task from the prompt box", async () => {
    await expect(tasks.prompt()).toBeVisible();
    await tasks.createTask(prompt);
    const row = tasks.row(prompt);
    await expect(row).toBeVisible();
    await expect(row.getByRole("img", { name: "Echo agent" })).toHaveAttribute("src", "/icon/echo.svg");
    await expect(row).toContainText(/fix-the-login-bug/);
    await expect(row).toContainText("Echo agent");
    await expect(row).toContainText(ADMIN.username);
    // The list refreshes by itself: the echo agent is up and waiting within seconds.
    await expect(row.getByTestId("task-status")).toHaveText("Active", { timeout: 20_000 });
    await expect(row).toContainText(`You said: ${prompt}`);
    await expect(tasks.tab("Waiting for input")).toContainText(/[1-9]/);
    await snap(page, "tasks-list");
  });

  await test.step("open it: prompt, Live tag and the agent's reply", async () => {
    await tasks.row(prompt).getByRole("link", { name: prompt }).click();
    await expect(page).toHaveURL(new RegExp(`/tasks/${ADMIN.username}/fix-the-login-bug`));
    await expect(taskPage.heading()).toHaveText(prompt);
    await expect(taskPage.promptText()).toHaveText(prompt);
    await taskPage.expectLive();
    await expect(taskPage.entry(`You said: ${prompt}`)).toBeVisible();
    await expect(taskPage.editPrompt()).toBeDisabled();
    await expect(page.getByText("The agent already has this prompt. Pause the task to edit it.")).toBeVisible();
    await expect(taskPage.resumeButton()).toBeDisabled();
    await snap(page, "task-live");
  });

  await test.step("send input and watch the reply stream in", async () => {
    // Long enough to see the agent at work on a loaded machine; the reply quotes the input, so the input is the first entry with it.
    await taskPage.send("/sleep 3000");
    await expect(taskPage.entry("/sleep 3000").first()).toBeVisible();
    await expect(page.getByText("The agent is working…")).toBeVisible();
    await expect(taskPage.sendButton()).toBeDisabled();
    await expect(taskPage.entry(/Slept 3000 ms/)).toBeVisible({ timeout: 15_000 });
    await taskPage.send(`second message ${word}`);
    await expect(taskPage.entry(`You said: second message ${word}`)).toBeVisible();
    await taskPage.expectLive();
  });

  await test.step("pause: the Snapshot tag shows the same conversation", async () => {
    const before = await taskPage.entries().allInnerTexts();
    const sawBusy = await taskPage.clickAndRecordBusy(taskPage.pauseButton());
    await expect(taskPage.status()).toHaveText("Paused", { timeout: 30_000 });
    expect(await sawBusy(), "the Pause button showed progress").toBe(true);
    await taskPage.expectSnapshot();
    await expect(taskPage.entries()).toHaveText(before.map((t) => t.trim()) as string[], { useInnerText: true });
    await expect(taskPage.messageBox()).toBeDisabled();
    await expect(taskPage.resumeButton()).toBeEnabled();
    await snap(page, "task-paused-snapshot");
  });

  await test.step("edit the prompt while paused", async () => {
    await expect(taskPage.editPrompt()).toBeEnabled();
    await taskPage.editPrompt().click();
    await taskPage.promptEditor().fill(`${prompt} — and add a test`);
    await snap(page, "task-edit-prompt");
    await taskPage.savePrompt().click();
    await expect(taskPage.promptText()).toHaveText(`${prompt} — and add a test`);
    await page.reload();
    await expect(taskPage.promptText()).toHaveText(`${prompt} — and add a test`);
    await taskPage.expectSnapshot();
  });

  await test.step("resume: Live again", async () => {
    await taskPage.resumeButton().click();
    await expect(taskPage.status()).toHaveText("Active", { timeout: 30_000 });
    await taskPage.expectLive();
    await expect(taskPage.entry(`You said: second message ${word}`).first()).toBeVisible();
    await expect(taskPage.messageBox()).toBeEnabled();
    await expect(taskPage.timeline().getByTestId("stage").filter({ hasText: /Waiting for input|Working/ })).toHaveAttribute("data-state", "current");
  });

  await test.step("delete it", async () => {
    await taskPage.deleteButton().click();
    await snap(page, "task-delete-dialog", { fullPage: false });
    await page.getByRole("dialog", { name: "Delete this task?" }).getByRole("button", { name: "Delete task" }).click();
    await expect(page).toHaveURL(/\/tasks$/);
    await expect(tasks.row(prompt)).toHaveCount(0);
  });
});
