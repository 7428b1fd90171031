import { randomUUID } from "node:crypto";
import zlib from "node:zlib";
import postgres from "postgres";
import { TaskyardClient } from "../lib/sdk/client";
import { lastDays } from "../lib/usage/period";
import { databaseUrlOf } from "../tests/support/stack-db";
import { expect, snap, test as base } from "./fixtures";
import { startServer, type RunningServer } from "./server";

/**
 * The usage page on a server of its own: a fresh database (so "no usage yet" is true for everyone,
 * and sums are exact), no provisioner (tasks only need to exist: their model calls are written
 * straight to model_calls, as the gateway would meter them).
 */
const OWNER = { email: "usage-owner@example.com", username: "usage-owner", password: "usage-owner-password" };
const MEMBER = { email: "usage-member@example.com", username: "usage-member", password: "usage-member-password" };

const test = base.extend<object, { usageServer: RunningServer }>({
  usageServer: [
    async ({}, use) => {
      const server = await startServer({
        args: ["--no-build", "--no-provisioner"],
        env: { TASKYARD_ADMIN_EMAIL: OWNER.email, TASKYARD_ADMIN_PASSWORD: OWNER.password },
      });
      await use(server);
      await server.stop();
    },
    { scope: "worker", timeout: 120_000 },
  ],
  baseURL: async ({ usageServer }, use) => use(usageServer.url),
});

test.describe.configure({ mode: "serial" });

const signIn = async (page: import("@playwright/test").Page, who: { email: string; password: string }) => {
  const res = await page.request.post("/api/v2/users/login", { data: { email: who.email, password: who.password } });
  expect(res.status()).toBe(201);
};

test("with no model calls, the page (reached from the user menu) teaches where usage comes from", async ({ page }) => {
  await signIn(page, OWNER);
  await page.goto("/tasks");
  await page.getByRole("button", { name: /usage-owner|admin/ }).first().click();
  await page.getByRole("link", { name: "Usage (model spend)" }).click();
  await expect(page).toHaveURL(/\/usage$/);
  await expect(page.getByRole("heading", { name: "Usage", level: 1 })).toBeVisible();
  await expect(page.getByRole("heading", { name: "No model usage yet — the model gateway records every call Claude Code makes" })).toBeVisible();
  await expect(page.getByTestId("usage-bar")).toHaveCount(0);
  await snap(page, "usage-empty", { fullPage: false });
});

test("shows the total, a bar per day with spend, and the spend by model, template and user; the period narrows it", async ({ page, baseURL, usageServer }) => {
  // Arrange: an owner's task and a member's, each with model calls over several days.
  const owner = new TaskyardClient({ baseUrl: baseURL! });
  owner.token = (await owner.login(OWNER.email, OWNER.password)).session_token;
  await owner.createUser({ ...MEMBER, role: "member" });
  const member = new TaskyardClient({ baseUrl: baseURL! });
  member.token = (await member.login(MEMBER.email, MEMBER.password)).session_token;
  const echo = (await owner.templates()).find((t) => t.name === "echo")!;
  const ownerTask = await owner.createTask({ input: "Spend for the owner", template_version_id: echo.active_version_id });
  const memberTask = await member.createTask({ input: "Spend for the member", template_version_id: echo.active_version_id });

  const { days } = lastDays(30);
  const daysAgo = (n: number) => `${days[days.length - 1 - n]}T12:00:00Z`;
  const calls: [task: string, model: string, at: string, input: number, output: number, cost: number][] = [
    [ownerTask.id, "claude-opus-e2e", daysAgo(0), 1000, 100, 0.5],
    [ownerTask.id, "claude-opus-e2e", daysAgo(2), 1000, 100, 1.5],
    [ownerTask.id, "claude-haiku-e2e", daysAgo(5), 500, 50, 0.25],
    [memberTask.id, "claude-opus-e2e", daysAgo(1), 1000, 100, 2],
    [ownerTask.id, "claude-haiku-e2e", daysAgo(20), 500, 50, 8], // inside 30 days, outside 7
  ];
  const sql = postgres(await databaseUrlOf(usageServer.dataDir), { max: 1, onnotice: () => {} });
  try {
    for (const [task, model, at, input, output, cost] of calls) {
      await sql`INSERT INTO model_calls (task_id, agent_id, model, input_tokens, output_tokens, cost_usd, created_at)
                VALUES (${task}, ${randomUUID()}, ${model}, ${input}, ${output}, ${cost}, ${at})`;
    }
  } finally {
    await sql.end();
  }

  await signIn(page, OWNER);
  await page.goto("/usage");
  await expect(page.getByRole("button", { name: "Last 30 days" })).toHaveAttribute("aria-pressed", "true");
  await expect(page.getByTestId("usage-total")).toHaveText("$12.25");
  await expect(page.getByTestId("usage-bar")).toHaveCount(5);
  for (const n of [0, 1, 2, 5, 20]) await expect(page.locator(`[data-testid="usage-bar"][data-day="${days[days.length - 1 - n]}"]`)).toHaveCount(1);

  const byModel = page.getByRole("table", { name: "By model" });
  await expect(byModel.getByRole("row")).toHaveCount(3); // the header and two models, highest cost first
  await expect(byModel.getByRole("row").nth(1)).toContainText("claude-haiku-e2e");
  await expect(byModel.getByRole("row").nth(1)).toContainText("$8.25");
  await expect(byModel.getByRole("row").nth(2)).toContainText("claude-opus-e2e");
  await expect(byModel.getByRole("row").nth(2)).toContainText("3k");
  await expect(byModel.getByRole("row").nth(2)).toContainText("$4.00");
  await expect(page.getByRole("table", { name: "By template" }).getByRole("row", { name: /echo/ })).toContainText("$12.25");
  const byUser = page.getByRole("table", { name: "By user" });
  await expect(byUser.getByRole("row", { name: new RegExp(OWNER.username) })).toContainText("$10.25");
  await expect(byUser.getByRole("row", { name: new RegExp(MEMBER.username) })).toContainText("$2.00");
  await snap(page, "usage-30-days");

  await page.getByRole("button", { name: "Last 7 days" }).click();
  await expect(page).toHaveURL(/\/usage\?days=7$/);
  await expect(page.getByTestId("usage-total")).toHaveText("$4.25");
  await expect(page.getByTestId("usage-bar")).toHaveCount(4);
  await expect(page.getByRole("table", { name: "By model" }).getByRole("row").nth(1)).toContainText("claude-opus-e2e");
  // The period is in the URL: a reload (or a bookmark) keeps it.
  await page.reload();
  await expect(page.getByRole("button", { name: "Last 7 days" })).toHaveAttribute("aria-pressed", "true");
  await expect(page.getByTestId("usage-total")).toHaveText("$4.25");
});

test("a member sees only their own spend, and no table by user", async ({ page }) => {
  await signIn(page, MEMBER);
  await page.goto("/usage");
  await expect(page.getByTestId("usage-total")).toHaveText("$2.00");
  await expect(page.getByTestId("usage-bar")).toHaveCount(1);
  const byModel = page.getByRole("table", { name: "By model" });
  await expect(byModel.getByRole("row")).toHaveCount(2);
  await expect(byModel.getByRole("row").nth(1)).toContainText("claude-opus-e2e");
  await expect(byModel.getByRole("row").nth(1)).toContainText("$2.00");
  await expect(page.getByRole("table", { name: "By user" })).toHaveCount(0);
  await expect(page.getByText("claude-haiku-e2e")).toHaveCount(0);
  await page.setViewportSize({ width: 360, height: 800 });
  await snap(page, "usage-member-360");
});

test("an API failure shows as text with a way to try again", async ({ page }) => {
  await signIn(page, MEMBER);
  await page.route("**/api/v2/usage?*", (route) =>
    route.fulfill({ status: 500, contentType: "application/json", body: JSON.stringify({ message: "The usage store is down." }) }),
  );
  await page.goto("/usage");
  const alert = page.getByRole("alert").filter({ hasText: "Could not load usage" });
  await expect(alert).toContainText("Could not load usage");
  await expect(alert).toContainText("The usage store is down.");
  await page.unroute("**/api/v2/usage?*");
  await alert.getByRole("button", { name: "Try again" }).click();
  await expect(page.getByTestId("usage-total")).toHaveText("$2.00");
});

test("/usage first-load JavaScript stays within the dashboard's budget (the chart library loads after it, in its own chunk)", async ({ page }) => {
  await signIn(page, OWNER);
  // As fresh-server.spec.ts measures /tasks: the scripts a page's HTML names, gzipped.
  const firstLoadGz = async (path: string) => {
    const html = await (await page.request.get(path)).text();
    const srcs = [...new Set([...html.matchAll(/<script src="([^"]+\.js)" async/g)].map((m) => m[1]))];
    let gz = 0;
    for (const src of srcs) gz += zlib.gzipSync(await (await page.request.get(src)).body()).length;
    return gz;
  };
  const [usage, tasks, login] = [await firstLoadGz("/usage"), await firstLoadGz("/tasks"), await firstLoadGz("/login")];
  console.log(`[perf] first-load JS gzipped: /usage ${(usage / 1000).toFixed(1)} kB, /tasks ${(tasks / 1000).toFixed(1)} kB, /login ${(login / 1000).toFixed(1)} kB`);
  expect(usage).toBeLessThan(170_000); // the guard fresh-server.spec.ts puts on /tasks
  expect(usage - login).toBeLessThan(20_000); // ui.md: at most 20 kB over an empty page of the app
});
