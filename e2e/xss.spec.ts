import { ADMIN, expect, snap, test, uniqueWord } from "./fixtures";
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

// Agent messages are Markdown: formatting renders, but HTML, script links and remote images do not.
test("agent Markdown renders formatting and code with Copy, never HTML, script links or remote images", async ({ signedInPage: page, api }) => {
  const fired: string[] = [];
  page.on("dialog", async (dialog) => {
    fired.push(`dialog: ${dialog.message()}`);
    await dialog.dismiss();
  });
  const requested: string[] = [];
  page.on("request", (r) => {
    const url = new URL(r.url());
    if (url.host === "127.0.0.1:1" || url.pathname.endsWith("/x")) requested.push(r.url());
  });
  await page.addInitScript(() => {
    const w = window as unknown as { __xss: string[]; __copied: string[] };
    w.__xss = [];
    w.__copied = [];
    // A stand-in clipboard, so the test reads exactly what the page copied.
    Object.defineProperty(navigator, "clipboard", {
      configurable: true,
      value: { writeText: async (text: string) => void w.__copied.push(text) },
    });
  });
  const echo = (await api.templates()).find((t) => t.name === "echo")!;
  const task = await api.createTask({ input: `Markdown ${uniqueWord("md")}`, template_version_id: echo.active_version_id });
  const taskPage = new TaskPage(page);
  await taskPage.goto(ADMIN.username, task.name);
  await taskPage.expectLive();
  await expect(taskPage.entry(/You said: Markdown/)).toBeVisible({ timeout: 20_000 });

  const word = uniqueWord("mdmsg");
  const message = [
    `**bold** ${word} and \`inline\` code`,
    "",
    "- first item",
    "- second item",
    "",
    "```js",
    "const answer = 42;",
    "console.log(answer);",
    "```",
    "",
    "Bash: ls *.ts *.js",
    "",
    "[click](javascript:alert(1)) [data](data:text/html,<script>alert(2)</script>) [docs](https://example.com/docs)",
    "",
    "![x](http://127.0.0.1:1/track.png)",
    "",
    `<img src=x onerror="window.__xss.push('img');alert('img')"> <b onmouseover="window.__xss.push('b')">b</b>`,
    "",
    "<script>window.__xss.push('script')</script>",
  ].join("\n");
  await taskPage.send(message);

  // What the user typed stays plain text, Markdown characters and all.
  const input = taskPage.entries().and(page.locator('[data-type="input"]')).filter({ hasText: word });
  await expect(input).toContainText(`**bold** ${word}`);
  await expect(input.locator("strong")).toHaveCount(0);

  const output = taskPage.entries().and(page.locator('[data-type="output"]')).filter({ hasText: word });
  await expect(output).toHaveCount(1);
  await expect(output.locator("strong")).toHaveText("bold");
  await expect(output.locator("code").filter({ hasText: /^inline$/ })).toBeVisible();
  await expect(output.getByRole("listitem")).toHaveText(["first item", "second item"]);
  await expect(output.locator("pre code")).toBeVisible();
  expect(await output.locator("pre code").textContent()).toBe("const answer = 42;\nconsole.log(answer);\n");
  await expect(output.getByTestId("tool-call")).toHaveText("Bash: ls *.ts *.js");
  await expect(output.locator("em")).toHaveCount(0);

  // Only the web link is a link, and it opens in a new tab without an opener.
  await expect(output.getByRole("link", { name: "docs" })).toHaveAttribute("href", "https://example.com/docs");
  await expect(output.getByRole("link", { name: "docs" })).toHaveAttribute("target", "_blank");
  await expect(output.getByRole("link", { name: "docs" })).toHaveAttribute("rel", "noreferrer noopener");
  await expect(output.getByText("click", { exact: true })).toBeVisible();
  await expect(output.getByRole("link", { name: "click" })).toHaveCount(0);
  await expect(output.getByRole("link", { name: "data" })).toHaveCount(0);
  await expect(page.locator('a[href^="javascript:" i], a[href^="data:" i]')).toHaveCount(0);

  // The image is a link to it, not an <img>; the HTML is text.
  await expect(taskPage.log().locator("img")).toHaveCount(0);
  await expect(output.getByRole("link", { name: "x" })).toHaveAttribute("href", "http://127.0.0.1:1/track.png");
  await expect(output).toContainText(`<img src=x onerror="window.__xss.push('img');alert('img')">`);
  await expect(output).toContainText("<script>window.__xss.push('script')</script>");
  await expect(taskPage.log().locator("script, b")).toHaveCount(0);
  await output.getByText("<b onmouseover", { exact: false }).hover();

  await output.getByRole("button", { name: "Copy code" }).click();
  await expect(output.getByRole("button", { name: "Code copied" })).toBeVisible();
  expect(await page.evaluate(() => (window as unknown as { __copied: string[] }).__copied)).toEqual(["const answer = 42;\nconsole.log(answer);"]);
  await snap(page, "task-markdown");

  expect(await page.evaluate(() => (window as unknown as { __xss: string[] }).__xss)).toEqual([]);
  expect(fired).toEqual([]);
  expect(requested).toEqual([]);
  await api.deleteTask(ADMIN.username, task.name);
});
