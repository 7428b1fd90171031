import { ADMIN, expect, snap, test, uniqueWord } from "./fixtures";
import { TaskPage } from "./pages/task-page";
import { TasksPage } from "./pages/tasks-page";

test("a task left idle past its auto_pause_after_idle is paused and says so on its page and in the list; Resume clears it", async ({
  signedInPage: page,
  api,
}) => {
  const word = uniqueWord("idle");
  const echo = (await api.templates()).find((t) => t.name === "echo")!;
  const task = await api.createTask({
    input: `Idle ${word}`,
    template_version_id: echo.active_version_id,
    rich_parameter_values: [{ name: "auto_pause_after_idle", value: "2" }],
  });
  const taskPage = new TaskPage(page);
  await taskPage.goto(ADMIN.username, task.name);
  await expect(taskPage.entry(/You said: Idle/)).toBeVisible({ timeout: 20_000 });

  // Nobody answers: the provisioner's sweep (every 5 s) pauses it after its 2 s idle.
  await expect(taskPage.status()).toHaveText("Paused", { timeout: 30_000 });
  await expect(page.getByTestId("task-paused-reason")).toHaveText("Paused after 2 s idle");
  // The conversation is still there, from the snapshot.
  await taskPage.expectSnapshot();
  await expect(taskPage.entry(/You said: Idle/)).toBeVisible();
  await snap(page, "task-auto-paused");

  const tasks = new TasksPage(page);
  await tasks.goto(`?search=${word}`);
  await expect(tasks.row(task.display_name).getByTestId("task-paused-reason")).toHaveText("Paused after 2 s idle");

  await taskPage.goto(ADMIN.username, task.name);
  await taskPage.resumeButton().click();
  await expect(taskPage.status()).toHaveText("Active", { timeout: 30_000 });
  await expect(page.getByTestId("task-paused-reason")).toHaveCount(0);
  await api.deleteTask(ADMIN.username, task.name);
});
