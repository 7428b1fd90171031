import { expect, snap, test, uniqueWord } from "./fixtures";
import { TasksPage } from "./pages/tasks-page";
import { TemplatesPage } from "./pages/templates-page";

test("an owner creates a template on the page, saves a new version, a task gets it while an older task keeps v1; make-active and archive", async ({ signedInPage: page, api }) => {
  test.setTimeout(150_000);
  const name = uniqueWord("tpl-");
  const display = `Template ${name}`;
  const secret = `e2e-secret-${Date.now()}`;
  const templates = new TemplatesPage(page);

  await page.goto("/settings");
  await page.getByRole("link", { name: /Manage templates/ }).click();
  await expect(templates.heading()).toBeVisible();
  await expect(page).toHaveURL(/\/settings\/templates$/);

  // A config that is not JSON is said in words, and nothing is created.
  await templates.field("Name").fill(name);
  await templates.field("Display name").fill(display);
  await templates.field("Config (JSON)").fill("{ not json");
  await templates.createButton().click();
  await expect(templates.form().getByRole("alert")).toContainText("not valid JSON");
  // A reserved name is the server's 400, shown as text.
  await templates.field("Config (JSON)").fill(JSON.stringify({ agent: { kind: "echo" }, env: { PATH: "/x" } }));
  await templates.createButton().click();
  await expect(templates.form().getByRole("alert")).toContainText("config.env.PATH");
  expect((await api.allTemplates()).some((t) => t.name === name)).toBe(false);

  await templates.field("Config (JSON)").fill(JSON.stringify({ agent: { kind: "echo" }, env: { STAGE: "one" } }, null, 2));
  await templates.field("Secret name").fill("DEPLOY_TOKEN");
  await templates.field("Secret value").fill(secret);
  await templates.form().getByRole("button", { name: "Add secret" }).click();
  await expect(templates.form().getByTestId("template-secret")).toContainText("DEPLOY_TOKEN");
  await templates.createButton().click();
  const row = templates.row(display);
  await expect(row).toBeVisible();
  await expect(row.getByTestId("template-state")).toHaveText("Available");

  const template = (await api.allTemplates()).find((t) => t.name === name)!;
  const v1 = template.active_version_id;
  const older = await api.createTask({ input: "on v1", template_version_id: v1 });

  // Edit: the active version's config, secrets by name only; saving makes v2 active.
  await row.getByRole("button", { name: "Edit" }).click();
  const editor = templates.editor(display);
  await expect(editor.getByLabel("Config (JSON)")).toHaveValue(/"STAGE": "one"/);
  await expect(editor.getByTestId("template-secret")).toContainText("DEPLOY_TOKEN");
  await expect(editor.getByTestId("template-secret")).toContainText("set");
  await expect(page.getByText(secret)).toHaveCount(0);
  await editor.getByLabel("Config (JSON)").fill(JSON.stringify({ agent: { kind: "echo" }, env: { STAGE: "two" } }, null, 2));
  await editor.getByRole("button", { name: "Save new version" }).click();
  const versions = templates.versions(display);
  await expect(versions).toHaveCount(2);
  await expect(versions.first()).toContainText("v2");
  await expect(versions.first()).toContainText("active");
  await expect(versions.first()).toContainText("secrets: DEPLOY_TOKEN");
  await snap(page, "templates-versions");
  const v2 = (await api.template(template.id)).active_version_id;
  expect(v2).not.toBe(v1);

  // A task created on the page gets v2; the older task keeps v1.
  const tasks = new TasksPage(page);
  await tasks.goto();
  const prompt = `task on ${name}`;
  await tasks.createTask(prompt, { template: display });
  await expect.poll(async () => (await api.tasks(`search:"${prompt}"`)).tasks[0]?.template_version_id ?? null).toBe(v2);
  expect((await api.task("me", older.id)).template_version_id).toBe(v1);

  // v1 made active again, then the template archived: pickers stop offering it.
  await templates.goto();
  await templates.row(display).getByRole("button", { name: "Versions" }).click();
  await templates.versions(display).filter({ hasText: "v1" }).getByRole("button", { name: "Make v1 active" }).click();
  await expect(templates.versions(display).filter({ hasText: "v1" })).toContainText("active");
  expect((await api.template(template.id)).active_version_id).toBe(v1);
  await templates.row(display).getByRole("button", { name: "Archive" }).click();
  await expect(templates.row(display).getByTestId("template-state")).toContainText("Archived");
  await tasks.goto();
  await expect(tasks.templatePicker()).toBeEnabled();
  await expect(tasks.templatePicker().locator("option", { hasText: display })).toHaveCount(0);
  await api.deleteTask("me", older.id);
});

test("a member sees the templates read-only: no edit, versions, archive or new-template form", async ({ api, browser, baseURL }) => {
  const username = uniqueWord("member");
  await api.createUser({ email: `${username}@example.com`, username, password: "password-123", role: "member" });
  const context = await browser.newContext({ baseURL });
  const page = await context.newPage();
  expect((await page.request.post("/api/v2/users/login", { data: { email: `${username}@example.com`, password: "password-123" } })).status()).toBe(201);
  await page.goto("/settings");
  await page.getByRole("link", { name: "See the templates" }).click();
  const templates = new TemplatesPage(page);
  await expect(templates.heading()).toBeVisible();
  await expect(templates.row("Echo agent")).toBeVisible();
  await expect(page.getByText("Only an owner changes templates.")).toBeVisible();
  await expect(page.getByRole("button", { name: "Edit" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Archive" })).toHaveCount(0);
  await expect(templates.form()).toHaveCount(0);
  await context.close();
});
