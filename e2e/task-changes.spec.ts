import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { ADMIN, expect, snap, test, uniqueWord } from "./fixtures";
import { TaskPage } from "./pages/task-page";
import { TasksPage } from "./pages/tasks-page";

const ORIGINAL_LINE = "the original line";
const AGENT_LINE = "changed by the agent";

/** A bare repository on `main` with one commit (`src/app.txt`), readable by the sandbox's `nobody`. */
function makeRepository(): { dir: string; url: string; baseCommit: string } {
  // Inside the directory the server takes local repositories from (TASKYARD_LOCAL_REPO_ROOTS, set by global setup).
  const dir = fs.mkdtempSync(path.join(process.env.TASKYARD_E2E_REPO_ROOT ?? os.tmpdir(), "repo-"));
  const bare = path.join(dir, "app.git");
  const work = path.join(dir, "work");
  const git = (args: string[], cwd = dir) =>
    execFileSync("git", ["-c", "user.name=E2E", "-c", "user.email=e2e@example.com", ...args], { cwd, stdio: "pipe", encoding: "utf8" });
  git(["init", "--quiet", "--bare", "--initial-branch=main", bare]);
  git(["clone", "--quiet", bare, work]);
  fs.mkdirSync(path.join(work, "src"));
  fs.writeFileSync(path.join(work, "src", "app.txt"), `${ORIGINAL_LINE}\n`);
  git(["add", "."], work);
  git(["commit", "--quiet", "-m", "Initial commit"], work);
  git(["push", "--quiet", "origin", "main"], work);
  const baseCommit = git(["rev-parse", "HEAD"], work).trim();
  // mkdtemp makes the directory 0700; the workspace sandbox clones as `nobody`.
  execFileSync("chmod", ["-R", "a+rX", dir]);
  return { dir, url: `file://${bare}`, baseCommit };
}

test.describe("a task's repository changes", () => {
  let repo: ReturnType<typeof makeRepository>;
  test.beforeAll(() => {
    repo = makeRepository();
  });
  test.afterAll(() => {
    fs.rmSync(repo.dir, { recursive: true, force: true });
  });

  test("create a task on a repository, let the agent change a file, read the diff, fold it, copy the patch", async ({ signedInPage: page, api }) => {
    test.setTimeout(150_000);
    await page.addInitScript(() => {
      const w = window as unknown as { __copied: string[] };
      w.__copied = [];
      // A stand-in clipboard, so the test reads exactly what the page copied.
      Object.defineProperty(navigator, "clipboard", {
        configurable: true,
        value: { writeText: async (text: string) => void w.__copied.push(text) },
      });
    });
    const tasks = new TasksPage(page);
    const taskPage = new TaskPage(page);
    const word = uniqueWord("repo");
    const prompt = `Work on the app ${word}`;

    await tasks.goto();
    await tasks.createTask(prompt, { repository: repo.url });
    const row = tasks.row(prompt);
    await expect(row.getByTestId("task-status")).toHaveText("Active", { timeout: 30_000 });
    // The repository is remembered for the next task (newest first).
    await expect(tasks.repositoryField()).toHaveValue("");
    await expect(page.locator("datalist option").first()).toHaveAttribute("value", repo.url);

    const taskId = await row.getAttribute("data-task-id");
    const task = await api.task(ADMIN.username, taskId!);
    const branch = `taskyard/${task.name}`;
    expect(task.rich_parameter_values).toEqual([{ name: "repo_url", value: repo.url }]);
    expect(task.repository).toMatchObject({ url: repo.url, base_ref: "main", base_commit: repo.baseCommit, branch });
    await expect(row.getByTestId("task-repository")).toHaveText(`${branch}+0 −0`);

    await row.getByRole("link", { name: prompt }).click();
    await taskPage.expectLive();
    await expect(taskPage.tab("Changes")).toBeVisible();
    await expect(taskPage.tab("Conversation")).toHaveAttribute("aria-selected", "true");
    await taskPage.send(`/write src/app.txt ${AGENT_LINE}`);
    await expect(taskPage.entry(`Wrote src/app.txt. You said: /write src/app.txt ${AGENT_LINE}`)).toBeVisible({ timeout: 20_000 });

    await test.step("the Changes tab: branch, base, the file with its counts and its diff", async () => {
      await taskPage.tab("Changes").click();
      await expect(taskPage.tab("Changes")).toHaveAttribute("aria-selected", "true");
      await expect(taskPage.log()).toHaveCount(0);
      const changes = taskPage.changes();
      await expect(changes.getByTestId("changes-branch")).toHaveText(branch);
      await expect(changes.getByTestId("changes-base")).toHaveText(`main @ ${repo.baseCommit.slice(0, 7)}`);
      await expect(taskPage.changesSource()).toHaveCount(0); // live, not a snapshot
      await expect(taskPage.changedFiles()).toHaveCount(1);
      await expect(taskPage.changedFiles().first()).toContainText("src/app.txt");
      await expect(taskPage.changedFiles().first()).toContainText("+1 −1");
      await expect(taskPage.changedFiles().first().getByTestId("file-status")).toHaveAttribute("title", "modified");

      const file = taskPage.diffFile("src/app.txt");
      await expect(file.locator(".diff-code-delete")).toHaveText([ORIGINAL_LINE]);
      await expect(file.locator(".diff-code-insert")).toHaveText([AGENT_LINE]);
      await expect(file.locator(".diff-gutter").first()).toHaveText("1");
      await expect(taskPage.tab("Changes")).toHaveText("Changes(1)");
      await snap(page, "task-changes");
    });

    await test.step("a file folds away under its header, and opens again", async () => {
      const header = taskPage.diffFileHeader("src/app.txt");
      await expect(header).toHaveAttribute("aria-expanded", "true");
      await header.click();
      await expect(header).toHaveAttribute("aria-expanded", "false");
      await expect(taskPage.diffFile("src/app.txt").locator(".diff-code-insert")).toHaveCount(0);
      await header.press("Enter");
      await expect(header).toHaveAttribute("aria-expanded", "true");
      await expect(taskPage.diffFile("src/app.txt").locator(".diff-code-insert")).toHaveText([AGENT_LINE]);
    });

    await test.step("Copy patch copies the whole unified diff", async () => {
      await taskPage.copyPatch().click();
      await expect(page.getByRole("button", { name: "Patch copied" })).toBeVisible();
      const copied = await page.evaluate(() => (window as unknown as { __copied: string[] }).__copied);
      expect(copied).toEqual([(await api.changes(ADMIN.username, task.name)).diff]);
      expect(copied[0]).toContain("diff --git a/src/app.txt b/src/app.txt");
      expect(copied[0]).toContain(`-${ORIGINAL_LINE}\n+${AGENT_LINE}\n`);
    });

    await test.step("a turn that ends (the agent goes idle) refreshes the open Changes tab by itself", async () => {
      // The conversation is behind the other tab, but the send box stays under both.
      await taskPage.send("/write src/new.ts export const answer = 42;");
      await expect(taskPage.changedFiles()).toHaveCount(2, { timeout: 20_000 });
      await expect(taskPage.changedFiles().filter({ hasText: "src/new.ts" })).toContainText("+1 −0");
      const added = taskPage.diffFile("src/new.ts");
      await expect(added.getByTestId("file-status")).toHaveAttribute("title", "added");
      await expect(added.locator(".diff-code-insert")).toHaveText(["export const answer = 42;"]);
      // TypeScript is coloured by token.
      await expect(added.locator(".diff-code-insert .token.keyword").first()).toHaveText("export");
      // Folded files stay folded across refreshes.
      await taskPage.diffFileHeader("src/app.txt").click();
      await taskPage.refreshChanges().click();
      await expect(taskPage.refreshChanges()).not.toHaveAttribute("aria-busy");
      await expect(taskPage.diffFileHeader("src/app.txt")).toHaveAttribute("aria-expanded", "false");
    });

    await test.step("the list row shows the branch and the summary", async () => {
      await page.getByRole("link", { name: "All tasks" }).click();
      await expect(tasks.row(prompt).getByTestId("task-repository")).toHaveText(`${branch}+2 −1`, { timeout: 10_000 });
      await snap(page, "tasks-repository", { fullPage: false });
    });

    await test.step("paused, the Changes come from the snapshot", async () => {
      await tasks.row(prompt).getByRole("link", { name: prompt }).click();
      await taskPage.pauseButton().click();
      await expect(taskPage.status()).toHaveText("Paused", { timeout: 30_000 });
      await taskPage.tab("Changes").click();
      await expect(taskPage.changesSource()).toHaveText(/^Snapshot · captured /);
      await expect(taskPage.changedFiles()).toHaveCount(2);
      await expect(taskPage.diffFile("src/app.txt").locator(".diff-code-insert")).toHaveText([AGENT_LINE]);
    });

    await api.deleteTask(ADMIN.username, task.name);
  });

  test("the Changes tab lists the branch's commits as text, and Download patch saves the diff as a .patch file", async ({ signedInPage: page, api }) => {
    test.setTimeout(120_000);
    const echo = (await api.templates()).find((t) => t.name === "echo")!;
    const task = await api.createTask({
      input: `Commit the work ${uniqueWord("commits")}`,
      template_version_id: echo.active_version_id,
      rich_parameter_values: [{ name: "repo_url", value: repo.url }],
    });
    const taskPage = new TaskPage(page);
    await taskPage.goto(ADMIN.username, task.name);
    await taskPage.expectLive();
    await expect(taskPage.messageBox()).toBeEnabled({ timeout: 20_000 });
    // A subject with markup in it: shown as the text it is.
    const subject = "Greet <b>everyone</b> & more";
    await taskPage.send(`/sh echo hello > greeting.txt && git add -A && git commit -qm '${subject}' && echo committed-$((40 + 2))`);
    // Only the reply says "committed-42" (the input has the arithmetic).
    await expect(taskPage.entry("committed-42")).toBeVisible({ timeout: 20_000 });
    await taskPage.send(`/write src/app.txt ${AGENT_LINE}`);
    await expect(taskPage.entry("Wrote src/app.txt.")).toBeVisible({ timeout: 20_000 });

    const changes = await api.changes(ADMIN.username, task.name);
    expect(changes.commits).toHaveLength(1);
    const [commit] = changes.commits;
    await taskPage.tab("Changes").click();
    await expect(taskPage.commits()).toHaveCount(1);
    const row = taskPage.commits().first();
    await expect(row.getByTestId("commit-subject")).toHaveText(subject);
    await expect(row.locator("b")).toHaveCount(0);
    await expect(row.getByTestId("commit-sha")).toHaveText(commit.sha.slice(0, 7));
    await expect(row.getByTestId("commit-author")).toHaveText(commit.author.replace(/\s*<[^>]*>$/, ""));
    await expect(row.getByTestId("commit-author")).toHaveAttribute("title", commit.author);
    await expect(row.locator("time")).toHaveText(/ago|just now|now/);
    await expect(taskPage.changedFiles()).toHaveCount(2);
    await snap(page, "task-changes-commits");

    await test.step("Download patch saves the whole unified diff as <task>.patch", async () => {
      const [download] = await Promise.all([page.waitForEvent("download"), taskPage.downloadPatch().click()]);
      expect(download.suggestedFilename()).toBe(`${task.name}.patch`);
      const saved = fs.readFileSync((await download.path())!, "utf8");
      expect(saved).toBe(changes.diff);
      expect(saved).toContain("diff --git a/greeting.txt b/greeting.txt");
      expect(saved).toContain(`-${ORIGINAL_LINE}\n+${AGENT_LINE}\n`);
    });

    await test.step("paused, the commits come from the snapshot", async () => {
      await taskPage.pauseButton().click();
      await expect(taskPage.status()).toHaveText("Paused", { timeout: 30_000 });
      await taskPage.tab("Changes").click();
      await expect(taskPage.changesSource()).toHaveText(/^Snapshot · captured /);
      await expect(taskPage.commits()).toHaveCount(1);
      await expect(taskPage.commits().first().getByTestId("commit-subject")).toHaveText(subject);
      await expect(taskPage.downloadPatch()).toBeEnabled();
    });
    await api.deleteTask(ADMIN.username, task.name);
  });

  test("a refused repository shows the server's reason at its field", async ({ signedInPage: page }) => {
    const tasks = new TasksPage(page);
    await tasks.goto();
    const prompt = `Refused repository ${uniqueWord("bad")}`;
    await tasks.chooseTemplate("Echo agent");
    await tasks.repositoryToggle().click();
    await tasks.repositoryField().fill("--upload-pack=touch");
    await tasks.prompt().fill(prompt);
    await tasks.createButton().click();
    await expect(tasks.repositoryField()).toHaveAttribute("aria-invalid", "true");
    await expect(page.getByText("Repository is not a repository URL git may clone.")).toBeVisible();
    await expect(page.getByRole("alert").filter({ hasText: "Validation failed." })).toBeVisible();
    await expect(tasks.prompt()).toHaveValue(prompt); // nothing was created, nothing is lost
    await snap(page, "tasks-repository-refused", { fullPage: false });
  });

  test("at 360 px in dark mode the Changes tab fits: the diff scrolls inside its box", async ({ signedInPage: page, api }) => {
    await page.setViewportSize({ width: 360, height: 780 });
    await page.emulateMedia({ colorScheme: "dark" });
    const echo = (await api.templates()).find((t) => t.name === "echo")!;
    const task = await api.createTask({
      input: `Narrow changes ${uniqueWord("narrow")}`,
      template_version_id: echo.active_version_id,
      rich_parameter_values: [{ name: "repo_url", value: repo.url }, { name: "base_ref", value: "main" }],
    });
    const taskPage = new TaskPage(page);
    await taskPage.goto(ADMIN.username, task.name);
    await taskPage.expectLive();
    await expect(taskPage.messageBox()).toBeEnabled({ timeout: 20_000 });
    const long = `const message = "${"a rather long line that will not fit on a phone ".repeat(3).trim()}";`;
    await taskPage.send(`/write src/app.ts ${long}`);
    await expect(taskPage.entry("Wrote src/app.ts.")).toBeVisible({ timeout: 20_000 });
    await taskPage.tab("Changes").click();
    await expect(taskPage.diffFile("src/app.ts").locator(".diff-code-insert")).toHaveText([long]);
    await expect(taskPage.diffFile("src/app.ts").locator(".token.string").first()).toBeVisible();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await snap(page, "mobile-dark-task-changes");
    await api.deleteTask(ADMIN.username, task.name);
  });
});
