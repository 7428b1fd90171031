import fs from "node:fs";
import { ADMIN, expect, snap, test, uniqueWord } from "./fixtures";
import { TaskPage } from "./pages/task-page";

test("a tool call opens to its input and output: the output's start, Show more for the rest, and the cut said", async ({ signedInPage: page, api }) => {
  test.setTimeout(120_000);
  const echo = (await api.templates()).find((t) => t.name === "echo")!;
  // The echo agent's /tool runs the command as a coding agent's tool call: a tool line with its call behind it.
  const word = uniqueWord("tool");
  const task = await api.createTask({ input: `/tool seq 1 3000; echo ${word}`, template_version_id: echo.active_version_id });
  const taskPage = new TaskPage(page);
  await taskPage.goto(ADMIN.username, task.name);
  await taskPage.expectLive();
  const reply = taskPage.entry(/Ran it\. You said/);
  await expect(reply).toBeVisible({ timeout: 30_000 });
  // The status line is the final answer's first line, not the tool line nor "Running a command."
  await expect(page.getByText(`Ran it. You said: /tool seq 1 3000; echo ${word}`).first()).toBeVisible();

  const line = reply.getByRole("button", { name: `Bash: seq 1 3000; echo ${word}` });
  await expect(line).toHaveAttribute("aria-expanded", "false");
  await expect(reply.getByTestId("tool-call-details")).toHaveCount(0);
  await line.click();
  await expect(line).toHaveAttribute("aria-expanded", "true");
  const details = reply.getByTestId("tool-call-details");
  const input = details.getByRole("region", { name: "Input" });
  const output = details.getByRole("region", { name: "Output" });
  await expect(input.locator("pre")).toHaveText(JSON.stringify({ command: `seq 1 3000; echo ${word}` }, null, 2));
  // The first 2,000 characters, then the rest on request.
  await expect(output.locator("pre")).toContainText("1\n2\n3\n");
  await expect(output.locator("pre")).not.toContainText(word);
  await snap(page, "task-tool-call-open", { fullPage: false });
  await output.getByRole("button", { name: "Show more" }).click();
  await expect(output.locator("pre")).toContainText(`2999\n3000\n${word}`);
  await expect(output).not.toContainText("Cut at 16 KiB");
  await output.getByRole("button", { name: "Show less" }).click();
  await expect(output.locator("pre")).not.toContainText(word);

  // An output past 16 KiB is kept up to it, and the page says how much there was; a failed call says so.
  await taskPage.send("/tool head -c 40000 /dev/zero | tr '\\0' z; exit 2");
  const big = taskPage.entry(/Ran it \(exit 2\)/);
  await expect(big).toBeVisible({ timeout: 30_000 });
  await big.getByRole("button", { name: /^Bash: head -c 40000/ }).click();
  const failed = big.getByTestId("tool-call-details").getByRole("region", { name: "Output (error)" });
  await expect(failed).toContainText("Cut at 16 KiB of 40,000 bytes.");
  await failed.getByRole("button", { name: "Show more" }).click();
  expect((await failed.locator("pre").textContent())!).toBe("z".repeat(16 * 1024));

  // A tool line with no call behind it (the agent only said one) opens to say so.
  const hello = uniqueWord("said");
  await taskPage.send(`${hello}\n\nBash: ls *.ts`);
  const said = taskPage.entries().and(page.locator('[data-type="output"]')).filter({ hasText: `You said: ${hello}` });
  await expect(said).toBeVisible({ timeout: 30_000 });
  await said.getByRole("button", { name: "Bash: ls *.ts" }).click();
  await expect(said.getByTestId("tool-call-details")).toHaveText("No details were recorded for this call.");
  await api.deleteTask(ADMIN.username, task.name);
});

test("a task created without a repository has Changes: the file its agent wrote, and a patch to download", async ({ signedInPage: page, api }) => {
  test.setTimeout(120_000);
  const echo = (await api.templates()).find((t) => t.name === "echo")!;
  const word = uniqueWord("plain");
  const task = await api.createTask({ input: `/write notes/todo.txt buy milk ${word}`, template_version_id: echo.active_version_id });
  expect(task.repository).toBeNull(); // none asked for
  const taskPage = new TaskPage(page);
  await taskPage.goto(ADMIN.username, task.name);
  await taskPage.expectLive();
  await expect(taskPage.entry(/Wrote notes\/todo\.txt/)).toBeVisible({ timeout: 30_000 });
  await taskPage.tab("Changes").click();
  await expect(taskPage.changedFiles()).toHaveCount(1, { timeout: 20_000 });
  await expect(taskPage.changedFiles().first()).toContainText("notes/todo.txt");
  await expect(taskPage.changedFiles().first()).toContainText("+1 −0");
  // Nowhere to push it: no Push, and the repository card says there is no remote.
  await expect(taskPage.pushButton()).toHaveCount(0);
  const [download] = await Promise.all([page.waitForEvent("download"), taskPage.downloadPatch().click()]);
  expect(download.suggestedFilename()).toBe(`${task.name}.patch`);
  const saved = fs.readFileSync((await download.path())!, "utf8");
  expect(saved).toContain("+++ b/notes/todo.txt");
  expect(saved).toContain(`+buy milk ${word}`);
  await api.deleteTask(ADMIN.username, task.name);
});
