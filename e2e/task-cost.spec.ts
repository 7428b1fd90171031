import type { Task } from "../lib/sdk/client";
import { ADMIN, expect, test, uniqueWord } from "./fixtures";
import { TaskPage } from "./pages/task-page";
import { TasksPage } from "./pages/tasks-page";

test("an agent that reports no usage (echo) shows no cost, on the list or its page", async ({ signedInPage: page, api }) => {
  const echo = (await api.templates()).find((t) => t.name === "echo")!;
  const task = await api.createTask({ input: `No cost ${uniqueWord("free")}`, template_version_id: echo.active_version_id });
  const tasks = new TasksPage(page);
  await tasks.goto();
  const row = tasks.row(task.display_name);
  await expect(row.getByTestId("task-status")).toHaveText("Active", { timeout: 20_000 });
  await expect(row).toContainText(`You said: No cost`);
  expect((await api.task(ADMIN.username, task.name)).usage.cost_usd).toBe(0);
  await expect(row.getByTestId("task-cost")).toHaveCount(0);
  await expect(row).not.toContainText("$");

  const taskPage = new TaskPage(page);
  await taskPage.goto(ADMIN.username, task.name);
  await taskPage.expectLive();
  await expect(page.getByTestId("task-cost")).toHaveCount(0);
  await api.deleteTask(ADMIN.username, task.name);
});

// The server's side (usage reported by Claude Code, summed per task) is covered by the API tests;
// here the API's answer is given a cost, to check how the dashboard shows one.
test("a task's cost shows on its row and, with its tokens, on its page", async ({ signedInPage: page, api }) => {
  const echo = (await api.templates()).find((t) => t.name === "echo")!;
  const task = await api.createTask({ input: `Costly ${uniqueWord("cost")}`, template_version_id: echo.active_version_id });
  const usage: Task["usage"] = { input_tokens: 1200, output_tokens: 1234, cache_read_input_tokens: 10_000, cache_creation_input_tokens: 1100, cost_usd: 0.0123, limit: null, stopped_by: null };
  const withCost = (t: Task) => (t.id === task.id ? { ...t, usage } : t);
  await page.route(/\/api\/v2\/tasks\?/, async (route) => {
    const response = await route.fetch();
    const body = (await response.json()) as { tasks: Task[]; count: number };
    await route.fulfill({ response, json: { ...body, tasks: body.tasks.map(withCost) } });
  });
  await page.route(new RegExp(`/api/v2/tasks/${ADMIN.username}/${task.name}$`), async (route) => {
    const response = await route.fetch();
    await route.fulfill({ response, json: withCost((await response.json()) as Task) });
  });
  // Without the live stream (which would carry the real, zero usage) the page fetches the task.
  await page.route(/\/logs\/stream$/, (route) => route.abort());

  const tasks = new TasksPage(page);
  await tasks.goto();
  const cost = tasks.row(task.display_name).getByTestId("task-cost").filter({ visible: true });
  await expect(cost).toHaveText("$0.0123");
  await expect(cost).toHaveAttribute("title", /Input: 12,300 tokens[\s\S]*Output: 1,234 tokens/);

  const taskPage = new TaskPage(page);
  await taskPage.goto(ADMIN.username, task.name);
  await expect(taskPage.heading()).toHaveText(task.display_name);
  await expect(page.getByTestId("task-cost")).toHaveText("$0.0123 · 12.3k in · 1.2k out");
  await api.deleteTask(ADMIN.username, task.name);
});
