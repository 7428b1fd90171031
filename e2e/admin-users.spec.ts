import { TaskyardClient, TaskyardError } from "../lib/sdk/client";
import { ADMIN, expect, snap, test, uniqueWord } from "./fixtures";
import { LoginPage } from "./pages/login-page";
import { UsersPage } from "./pages/users-page";

test("the owner invites a user, who sets a password through the link; changes their role; suspends them (their open page and API calls are refused); reactivates them", async ({ signedInPage: page, api, browser, baseURL }) => {
  test.setTimeout(120_000);
  const users = new UsersPage(page);
  const username = uniqueWord("ada");
  const email = `${username}@example.com`;
  // Rendered as text, never as markup.
  const name = `<img src=x onerror="window.__pwned=1"> ${username}`;

  await page.goto("/settings");
  await page.getByRole("link", { name: "Manage users" }).click();
  await expect(users.heading()).toBeVisible();
  await users.field("Email").fill(email);
  await users.field("Username").fill(username);
  await users.field("Name (optional)").fill(name);
  await users.createButton().click();

  // The link, once.
  await expect(users.inviteLink()).toHaveText(/\/invite\?code=[A-Za-z0-9_-]{32}$/);
  const link = (await users.inviteLink().textContent())!.trim();
  await expect(users.status(username)).toHaveText("invited");
  await expect(users.row(username)).toContainText(name);
  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  await snap(page, "admin-users-invite");
  await users.doneWithLink().click();
  await expect(users.inviteLink()).toHaveCount(0);

  // The invitee, in a browser of their own.
  const theirs = await browser.newContext({ baseURL });
  const them = await theirs.newPage();
  await them.goto(new URL(link).pathname + new URL(link).search);
  await expect(them.getByText(`Choose a password for ${username}`)).toBeVisible();
  await them.getByLabel("Password").fill("ada-password-1");
  await them.getByRole("button", { name: "Set password and sign in" }).click();
  await expect(them).toHaveURL(/\/tasks$/);
  expect((await them.request.get("/api/v2/users/me")).status()).toBe(200);
  expect((await them.request.post("/api/v2/users/login", { data: { email, password: "ada-password-1" } })).status()).toBe(201);
  // The link is used up.
  await them.goto(new URL(link).pathname + new URL(link).search);
  await expect(them.getByRole("heading", { name: "This invite link does not work" })).toBeVisible();
  await them.goto("/tasks");

  // Role: member → admin, from the owner's page.
  await page.reload();
  await expect(users.status(username)).toHaveText("active");
  await users.roleSelect(username).selectOption("admin");
  await expect.poll(async () => (await api.users(username)).users[0].roles[0].name).toBe("admin");
  expect((await them.request.get("/api/v2/users")).status()).toBe(200);
  // Never one's own.
  await expect(users.roleSelect(ADMIN.username)).toBeDisabled();
  await expect(users.suspendButton(ADMIN.username)).toBeDisabled();

  // Suspend: asked first; Cancel changes nothing.
  await users.suspendButton(username).click();
  await expect(users.confirmDialog()).toContainText(`Suspend ${username}?`);
  await users.confirmDialog().getByRole("button", { name: "Cancel" }).click();
  await expect(users.status(username)).toHaveText("active");
  await users.suspendButton(username).click();
  await users.confirmDialog().getByRole("button", { name: "Suspend" }).click();
  await expect(users.status(username)).toHaveText("suspended");
  await snap(page, "admin-users-suspended");

  // Their open page's very next call is refused, and the page sends them to sign in, where they are told why.
  expect((await them.request.get("/api/v2/tasks")).status()).toBe(401);
  await them.reload();
  await expect(them).toHaveURL(/\/login/);
  const refusedLogin = await them.request.post("/api/v2/users/login", { data: { email, password: "ada-password-1" } });
  expect(await refusedLogin.json()).toEqual({ message: "Your account is suspended." });
  const login = new LoginPage(them);
  await expect(login.heading()).toBeVisible();
  await login.signIn(email, "ada-password-1");
  await expect(them.getByRole("alert").filter({ hasText: "Your account is suspended." })).toBeVisible();

  // Reactivate: they sign in again.
  await users.reactivateButton(username).click();
  await expect(users.status(username)).toHaveText("active");
  await login.signIn(email, "ada-password-1");
  await expect(them).toHaveURL(/\/tasks/);
  await theirs.close();
});

test("My account: create a named API key with an expiry (shown once), see it listed with its last use, revoke it", async ({ signedInPage: page, baseURL }) => {
  const keyName = uniqueWord("ci");
  await page.goto("/tasks");
  await page.getByRole("banner").getByRole("button", { name: ADMIN.username, exact: true }).click();
  await page.getByRole("link", { name: /My account/ }).click();
  await expect(page.getByRole("heading", { name: "My account" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Git credentials" })).toHaveAttribute("href", "/settings#git-credentials");

  const form = page.getByRole("form", { name: "Create an API key" });
  await form.getByLabel("Name").fill(keyName);
  await form.getByLabel("Expires after").selectOption({ label: "7 days" });
  await form.getByRole("button", { name: "Create API key" }).click();
  const shown = page.getByRole("region", { name: "New API key" }).getByTestId("shown-once");
  await expect(shown).toHaveText(/^[A-Za-z0-9]{10}-[A-Za-z0-9]{22}$/);
  const key = (await shown.textContent())!.trim();
  const id = key.split("-")[0];
  const row = page.locator(`[data-testid="account-key"][data-key-id="${id}"]`);
  await expect(row).toContainText(keyName);
  await expect(row).toContainText("expires in 7 days");
  await snap(page, "account-api-keys");

  // It works; then Revoke stops it at once.
  const client = new TaskyardClient({ baseUrl: baseURL!, token: key });
  expect((await client.me()).username).toBe(ADMIN.username);
  await page.getByRole("region", { name: "New API key" }).getByRole("button", { name: "Done" }).click();
  await expect(page.getByRole("region", { name: "New API key" })).toHaveCount(0);
  await row.getByRole("button", { name: `Revoke api key ${id}` }).click();
  await expect(row).toHaveCount(0);
  const refused = await client.me().catch((e: unknown) => e);
  expect(refused).toBeInstanceOf(TaskyardError);
  expect((refused as TaskyardError).status).toBe(401);

  // A taken name is said so, and nothing is shown.
  await form.getByLabel("Name").fill("dup-" + keyName);
  await form.getByRole("button", { name: "Create API key" }).click();
  await page.getByRole("region", { name: "New API key" }).getByRole("button", { name: "Done" }).click();
  await form.getByLabel("Name").fill("DUP-" + keyName);
  await form.getByRole("button", { name: "Create API key" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "already have an API key named" })).toBeVisible();
  await expect(page.getByRole("region", { name: "New API key" })).toHaveCount(0);
});
