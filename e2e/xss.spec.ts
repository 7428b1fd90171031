import { expect, snap, test, uniqueWord } from "./fixtures";
import { TaskPage } from "./pages/task-page";
import { TasksPage } from "./pages/tasks-page";

// Prompts and agent output are untrusted text: they must show as text, never become HTML.
test("a prompt and a log entry containing HTML are shown as text, and no handler runs", async ({ signedInPage: page }) => {
  const fired: string[] = [];
  page.on("dialog", async (dialog) => {
    fired.push(`dialog: ${dialog.message()}`);
    await dialog.dismiss();
  });
  await page.addInitScript(() => {
    (window as unknown as { __xss: string[] }).__xss = [];
  });
  const word = uniqueWord("xss");
  const payload = `<img src=x onerror="window.__xss.push('prompt');alert('prompt')"> ${word}`;
  const tasks = new TasksPage(page);
  const taskPage = new TaskPage(page);

  await tasks.goto();
  await tasks.createTask(payload);
  const row = tasks.list().getByRole("listitem").filter({ hasText: word });
  await expect(row).toHaveCount(1);
  // The display name is made from the prompt's first words: still text.
  await expect(row.getByRole("link")).toContainText("<img src=x");
  await expect(row.getByTestId("task-status")).toHaveText("Active", { timeout: 20_000 });

  await row.getByRole("link").click();
  await expect(taskPage.promptText()).toHaveText(payload);
  await expect(taskPage.entry(`You said: ${payload}`)).toBeVisible();

  const logPayload = `<script>window.__xss.push('script')</script><b onmouseover="window.__xss.push('b')">bold</b><img src=x onerror=alert('log')>`;
  await taskPage.send(logPayload);
  await expect(taskPage.entry(`You said: ${logPayload}`)).toBeVisible();
  await taskPage.entry(`You said: ${logPayload}`).hover();
  await snap(page, "task-xss-as-text");

  // Nothing became an element, nothing ran.
  await expect(page.locator('img[src="x"]')).toHaveCount(0);
  await expect(page.locator("main b")).toHaveCount(0);
  expect(await page.evaluate(() => (window as unknown as { __xss: string[] }).__xss)).toEqual([]);
  expect(fired).toEqual([]);

  await taskPage.deleteTask();
  await expect(page).toHaveURL(/\/tasks$/);
});
