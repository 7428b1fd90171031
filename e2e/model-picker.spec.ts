import postgres from "postgres";
import { databaseUrlOf } from "../tests/support/stack-db";
import { expect, test as base } from "./fixtures";
import { TasksPage } from "./pages/tasks-page";
import { startServer, type RunningServer } from "./server";

/**
 * The model select on the create form, on a server of its own with a model key (so the Claude
 * template can be picked) and no provisioner (the task only needs to be created: its model is what
 * the gateway and Claude Code then run on, which tests/runtime/model-gateway.test.ts covers).
 */
const OWNER = { email: "models-owner@example.com", password: "models-owner-password" };

const test = base.extend<object, { modelServer: RunningServer }>({
  modelServer: [
    async ({}, use) => {
      const server = await startServer({
        args: ["--no-build", "--no-provisioner"],
        env: { TASKYARD_ADMIN_EMAIL: OWNER.email, TASKYARD_ADMIN_PASSWORD: OWNER.password, ANTHROPIC_API_KEY: "sk-e2e-never-called" },
      });
      await use(server);
      await server.stop();
    },
    { scope: "worker", timeout: 120_000 },
  ],
  baseURL: async ({ modelServer }, use) => use(modelServer.url),
});

test("a task picks one of its template's models; a template with one or none shows no select", async ({ page, modelServer }) => {
  expect((await page.request.post("/api/v2/users/login", { data: OWNER })).status()).toBe(201);
  const tasks = new TasksPage(page);
  await tasks.goto();
  await tasks.chooseTemplate("Echo agent");
  await expect(tasks.modelPicker()).toHaveCount(0);

  await tasks.chooseTemplate("Claude");
  await expect(tasks.modelPicker()).toHaveValue("claude-haiku-4-5");
  await expect(tasks.modelPicker().locator("option")).toHaveText(["claude-haiku-4-5", "claude-sonnet-4-5", "claude-opus-4-5"]);
  await tasks.modelPicker().selectOption("claude-opus-4-5");
  await tasks.prompt().fill("Think hard about this");
  const created = page.waitForResponse((r) => r.url().endsWith("/api/v2/tasks/me") && r.request().method() === "POST");
  await tasks.createButton().click();
  const response = await created;
  expect(response.status()).toBe(201);
  const { id } = (await response.json()) as { id: string };

  const sql = postgres(await databaseUrlOf(modelServer.dataDir), { max: 1, onnotice: () => {} });
  try {
    const [task] = await sql<{ parameters: { name: string; value: string }[] }[]>`SELECT parameters FROM tasks WHERE id = ${id}`;
    expect(task.parameters).toContainEqual({ name: "model", value: "claude-opus-4-5" });
  } finally {
    await sql.end();
  }
});
