import type { Page } from "@playwright/test";
import { TaskyardClient, TaskyardError } from "../lib/sdk/client";
import { ADMIN, expect, snap, test, uniqueWord } from "./fixtures";
import { LoginPage } from "./pages/login-page";
import { TaskPage } from "./pages/task-page";

/**
 * Every Content-Security-Policy violation reported: the console's across the test, the page's
 * own events since it loaded (check before leaving a page).
 */
async function recordCspViolations(page: Page) {
  await page.addInitScript(() => {
    const w = window as unknown as { __csp: string[] };
    w.__csp = [];
    document.addEventListener("securitypolicyviolation", (e) => w.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  const consoleErrors: string[] = [];
  page.on("console", (m) => m.type() === "error" && /Content.Security.Policy/i.test(m.text()) && consoleErrors.push(m.text()));
  return async () => [...(await page.evaluate(() => (window as unknown as { __csp: string[] }).__csp)), ...consoleErrors];
}

const userMenu = (page: Page) => page.getByRole("banner").getByRole("button", { name: ADMIN.username, exact: true });
const keysPanel = (page: Page) => page.getByRole("dialog", { name: "Sessions and API keys" });
const keyRow = (page: Page, id: string) => keysPanel(page).locator(`[data-testid="api-key"][data-key-id="${id}"]`);

test("the user menu lists the user's sessions and API keys; Revoke ends one at once, and revoking this session signs out", async ({ signedInPage: page, api, baseURL }) => {
  const key = (await api.createApiKey()).key;
  const keyId = key.split("-")[0];
  const apiSessionId = api.token!.split("-")[0];
  const violations = await recordCspViolations(page);

  await page.goto("/tasks");
  await userMenu(page).click();
  await expect(keysPanel(page)).toBeVisible();
  await expect(keysPanel(page)).toContainText(ADMIN.email);
  await expect(keyRow(page, keyId)).toContainText("API key");
  await expect(keyRow(page, apiSessionId)).toContainText("Session");
  const current = keysPanel(page).getByTestId("api-key").filter({ hasText: "this session" });
  await expect(current).toHaveCount(1);
  await expect(current).toContainText("Session");
  await snap(page, "user-menu", { fullPage: false });

  // Revoke the API key: gone from the list, and it no longer works.
  await keyRow(page, keyId).getByRole("button", { name: `Revoke api key ${keyId}` }).click();
  await expect(keyRow(page, keyId)).toHaveCount(0);
  const revoked = await new TaskyardClient({ baseUrl: baseURL!, token: key }).me().catch((e: unknown) => e);
  expect(revoked).toBeInstanceOf(TaskyardError);
  expect((revoked as TaskyardError).status).toBe(401);
  // The SDK's own session is untouched.
  expect((await api.me()).email).toBe(ADMIN.email);

  // Escape closes the menu; it opens again with the list as it is now.
  await page.keyboard.press("Escape");
  await expect(keysPanel(page)).toHaveCount(0);
  await userMenu(page).click();
  await expect(keyRow(page, apiSessionId)).toBeVisible();

  // Revoking the session this browser uses signs it out.
  const currentId = await current.getAttribute("data-key-id");
  await current.getByRole("button", { name: `Revoke session ${currentId}` }).click();
  await expect(page).toHaveURL(/\/login/);
  expect((await page.request.get("/api/v2/users/me")).status()).toBe(401);
  expect(await violations()).toEqual([]);
});

test("after signing in, a redirect that would leave the site goes to /tasks instead", async ({ page }) => {
  const login = new LoginPage(page);
  for (const target of ["/\t/evil.example", "//evil.example/tasks", "https://evil.example/"]) {
    await page.goto(`/login?redirect=${encodeURIComponent(target)}`);
    await login.signIn(ADMIN.email, ADMIN.password);
    await expect(page).toHaveURL(/^http:\/\/127\.0\.0\.1:\d+\/tasks$/);
    await page.context().clearCookies();
  }
});

test("every page runs under its Content-Security-Policy: no violation, and the page works", async ({ signedInPage: page, api }) => {
  const violations = await recordCspViolations(page);
  const echo = (await api.templates()).find((t) => t.name === "echo")!;
  const word = uniqueWord("csp");
  const task = await api.createTask({ input: `Under the policy ${word}`, template_version_id: echo.active_version_id });

  const res = await page.goto("/tasks");
  expect(res!.headers()["content-security-policy"]).toMatch(/script-src 'self' 'nonce-[^']+' 'strict-dynamic'/);
  // Hydrated: the list is filled by the page's own scripts.
  await expect(page.getByRole("link", { name: `Under the policy ${word}` })).toBeVisible();
  expect(await violations()).toEqual([]);

  try {
    // A live page: its log streams in through the page's scripts.
    const taskPage = new TaskPage(page);
    await taskPage.goto(ADMIN.username, task.name);
    await expect(taskPage.entry(`You said: Under the policy ${word}`)).toBeVisible({ timeout: 20_000 });
    expect(await violations()).toEqual([]);
    // The sign-in page's form is the page's own script: it says a wrong password is wrong.
    await page.context().clearCookies();
    const login = new LoginPage(page);
    await login.goto();
    await login.signIn(ADMIN.email, "not-the-password");
    await expect(page.getByRole("alert").filter({ hasText: "Incorrect email or password." })).toBeVisible();
    expect(await violations()).toEqual([]);
  } finally {
    await api.deleteTask(ADMIN.username, task.name);
  }
});
