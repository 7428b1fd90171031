import { ADMIN, expect, snap, test, uniqueWord } from "./fixtures";
import { TaskPage } from "./pages/task-page";

/** A long echo turn that shows progress: a line every 150 ms for 30 s. */
const LONG_TURN = "/steps 200 150";

test("Stop interrupts the agent's turn while it works: what it wrote stays, marked, and the task waits for input", async ({ signedInPage: page, api }) => {
  const echo = (await api.templates()).find((t) => t.name === "echo")!;
  const task = await api.createTask({ input: `Greet ${uniqueWord("stop")}`, template_version_id: echo.active_version_id });
  const taskPage = new TaskPage(page);
  await taskPage.goto(ADMIN.username, task.name);
  await taskPage.expectLive();
  await expect(taskPage.entry(/You said: Greet/)).toBeVisible({ timeout: 20_000 });
  // Idle: nothing to stop.
  await expect(taskPage.stopButton()).toHaveCount(0);

  await taskPage.send(LONG_TURN);
  await expect(taskPage.entry(/Step 3 of 200/)).toBeVisible({ timeout: 20_000 });
  await expect(taskPage.stopButton()).toBeVisible();
  await snap(page, "task-stop-working");
  const started = Date.now();
  await taskPage.stopButton().click();
  await expect(page.getByText("Interrupted", { exact: true })).toBeVisible({ timeout: 5_000 });
  console.log(`Stop → "Interrupted" on the page: ${Date.now() - started} ms`);
  await expect(taskPage.stopButton()).toHaveCount(0);
  await expect(taskPage.status()).toHaveText("Active");
  const reply = taskPage.entry(/Step 3 of 200/);
  await expect(reply).toContainText("(Interrupted)");
  await expect(reply).not.toContainText("Done.");
  await snap(page, "task-stop-interrupted");

  // The workspace kept running: the next input is answered.
  await taskPage.send("After the stop");
  await expect(taskPage.entry(/You said: After the stop/)).toBeVisible({ timeout: 20_000 });
  await api.deleteTask(ADMIN.username, task.name);
});

test("Pause while the agent works asks first, then interrupts the turn and pauses", async ({ signedInPage: page, api }) => {
  const echo = (await api.templates()).find((t) => t.name === "echo")!;
  const task = await api.createTask({ input: LONG_TURN, template_version_id: echo.active_version_id });
  const taskPage = new TaskPage(page);
  await taskPage.goto(ADMIN.username, task.name);
  await expect(taskPage.entry(/Step 2 of 200/)).toBeVisible({ timeout: 30_000 });

  await taskPage.pauseButton().click();
  const dialog = page.getByRole("dialog", { name: "Interrupt the agent and pause?" });
  await expect(dialog).toBeVisible();
  // Cancelled, nothing happens: the turn goes on.
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(taskPage.entry(/Step 5 of 200/)).toBeVisible({ timeout: 10_000 });
  await expect(taskPage.status()).toHaveText("Active");

  await taskPage.pauseButton().click();
  await dialog.getByRole("button", { name: "Interrupt and pause" }).click();
  await expect(taskPage.status()).toHaveText("Paused", { timeout: 30_000 });
  await taskPage.expectSnapshot();
  await expect(taskPage.entry(/Step 5 of 200/)).toContainText("(Interrupted)");
  await api.deleteTask(ADMIN.username, task.name);
});
