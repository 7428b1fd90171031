import { ADMIN, expect, snap, test, uniqueWord } from "./fixtures";
import { TaskPage } from "./pages/task-page";

// Issue 23, point 3: Send stays enabled while the agent works; what is sent meanwhile shows as
// "queued" (as text), can be removed, and reaches the conversation, in order, once the agent is done.
test("messages sent while the agent works are queued, removable, then delivered in order", async ({ signedInPage: page, api }) => {
  const echo = (await api.templates()).find((t) => t.name === "echo")!;
  const word = uniqueWord("queue");
  const task = await api.createTask({ input: `Queue test ${word}`, template_version_id: echo.active_version_id });
  const taskPage = new TaskPage(page);
  await taskPage.goto(ADMIN.username, task.name);
  await taskPage.expectLive();
  await expect(taskPage.entry(`You said: Queue test ${word}`)).toBeVisible({ timeout: 20_000 });
  await expect(taskPage.queuedInputs()).toHaveCount(0);

  await taskPage.send("/sleep 12000");
  await expect(page.getByText("The agent is working…")).toBeVisible();
  // Still enabled: the next message waits in the queue.
  await expect(taskPage.messageBox()).toBeEnabled();
  const first = `first ${word}`;
  const markup = `<b>second</b> ${word}`;
  const removed = `removed ${word}`;
  for (const text of [first, markup, removed]) await taskPage.send(text);
  await expect(taskPage.queuedInputs()).toHaveCount(3);
  await expect(taskPage.queuedInputs().nth(0)).toContainText("queued");
  await expect(taskPage.queuedInputs().nth(0)).toContainText(first);
  // What the user typed is shown as text, never as markup.
  await expect(taskPage.queuedInputs().nth(1)).toContainText(markup);
  await expect(taskPage.queuedInputs().nth(1).locator("b")).toHaveCount(0);
  await snap(page, "task-queued-inputs");

  await taskPage.removeQueued(removed).click();
  await expect(taskPage.queuedInputs()).toHaveCount(2);
  await expect(taskPage.queuedInputs().filter({ hasText: removed })).toHaveCount(0);

  // Once the turn is over they go, one after the other, and leave the queue.
  await expect(taskPage.entry(`You said: ${markup}`)).toBeVisible({ timeout: 30_000 });
  await expect(taskPage.queuedInputs()).toHaveCount(0);
  const texts = (await taskPage.entries().allInnerTexts()).map((t) => t.trim());
  const at = (needle: string) => texts.findIndex((t) => t.includes(needle));
  expect(at(`You said: ${first}`)).toBeGreaterThan(at("Slept 12000 ms"));
  expect(at(`You said: ${markup}`)).toBeGreaterThan(at(`You said: ${first}`));
  expect(texts.some((t) => t.includes(removed))).toBe(false);
  // The agent may answer a moment before its delivery is recorded.
  await expect.poll(async () => (await api.inputs(ADMIN.username, task.name)).inputs.map((i) => [i.input, i.state])).toEqual([
    ["/sleep 12000", "delivered"],
    [first, "delivered"],
    [markup, "delivered"],
  ]);
  await api.deleteTask(ADMIN.username, task.name);
});
