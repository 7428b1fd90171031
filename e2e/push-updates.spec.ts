import type { Page } from "@playwright/test";
import { ADMIN, expect, test, uniqueWord } from "./fixtures";
import { TaskPage } from "./pages/task-page";
import { TasksPage } from "./pages/tasks-page";

/** Counts the API requests a page makes from now on (the one long-lived event stream included). */
function countApiRequests(page: Page): () => string[] {
  const seen: string[] = [];
  page.on("request", (r) => {
    const url = new URL(r.url());
    if (url.pathname.startsWith("/api/")) seen.push(`${r.method()} ${url.pathname}${url.search}`);
  });
  return () => seen;
}

const IDLE_MS = 20_000;

test("an idle dashboard is quiet (≤ 3 API requests in 20 s) and still shows a change made elsewhere within 1 s", async ({ signedInPage: page, api }) => {
  test.setTimeout(120_000);
  const word = uniqueWord("push");
  const echo = (await api.templates()).find((t) => t.name === "echo")!;
  const task = await api.createTask({ input: `Pushed ${word}`, template_version_id: echo.active_version_id });
  const tasks = new TasksPage(page);
  await tasks.goto();
  const row = tasks.row(task.display_name);
  await expect(row.getByTestId("task-status")).toHaveText("Active", { timeout: 20_000 });
  await page.waitForTimeout(1000); // let the last change's refetch land

  const listRequests = countApiRequests(page);
  await page.waitForTimeout(IDLE_MS);
  expect(listRequests().length, listRequests().join("\n")).toBeLessThanOrEqual(3);

  // Pushed, not polled: the pause shows within 1 s of the API call.
  await api.pause(ADMIN.username, task.name);
  await expect(row.getByTestId("task-status")).toHaveText(/Pausing|Paused/, { timeout: 1000 });
  await expect(row.getByTestId("task-status")).toHaveText("Paused", { timeout: 30_000 });

  // A paused task's page, left alone, is as quiet; a resume from elsewhere shows within 1 s.
  const taskPage = new TaskPage(page);
  await taskPage.goto(ADMIN.username, task.name);
  await expect(taskPage.status()).toHaveText("Paused");
  await page.waitForTimeout(1000);
  const pageRequests = countApiRequests(page);
  await page.waitForTimeout(IDLE_MS);
  expect(pageRequests().length, pageRequests().join("\n")).toBeLessThanOrEqual(3);
  await api.resume(ADMIN.username, task.name);
  await expect(taskPage.status()).not.toHaveText("Paused", { timeout: 1000 });
  await api.deleteTask(ADMIN.username, task.name);
});
