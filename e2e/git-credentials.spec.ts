import { randomBytes } from "node:crypto";
import { startGitHubStandIn } from "../tests/support/forge-stand-ins";
import { ADMIN, expect, snap, test, uniqueWord } from "./fixtures";

const TOKEN = `ghp_${randomBytes(18).toString("hex")}`;

test("Settings: the owner adds a git provider; a user adds a token (login read from the forge, token never shown), deletes it; members see no providers section", async ({ signedInPage: page, api, baseURL, browser }) => {
  const github = await startGitHubStandIn({ [TOKEN]: { login: "octo-e2e", scopes: ["repo"] } });
  const host = `${uniqueWord("ghe")}.example.com`;
  try {
    await page.goto("/tasks");
    await page.getByRole("banner").getByRole("button", { name: ADMIN.username, exact: true }).click();
    await page.getByRole("link", { name: /Settings/ }).click();
    await expect(page.getByRole("heading", { name: "Settings", level: 1 })).toBeVisible();

    const providers = page.getByRole("region", { name: "Git providers" });
    const providerForm = providers.getByRole("form", { name: "Add a git provider" });
    await providerForm.getByLabel("Kind").selectOption("github");
    await providerForm.getByLabel("Host").fill(host);
    await providerForm.getByLabel("API URL (optional)").fill(github.url);
    await providerForm.getByRole("button", { name: "Add provider" }).click();
    await expect(providers.getByTestId("git-provider").filter({ hasText: host })).toContainText(`github · API ${github.url}`);
    // GitHub issues → tasks is on once the provider has a webhook secret (PATCH, or `taskyard providers set`).
    await expect(providers.getByTestId("git-provider").filter({ hasText: host })).not.toContainText("Issues → tasks");
    const added = (await api.gitProviders()).find((p) => p.host === host)!;
    await api.updateGitProvider(added.id, { webhook_secret: `whsec-${randomBytes(8).toString("hex")}`, issue_label: "ai-task" });
    await page.reload();
    await expect(providers.getByTestId("git-provider").filter({ hasText: host })).toContainText("Issues → tasks: label “ai-task” or /taskyard (webhook secret set)");

    const credentials = page.getByRole("region", { name: "Git credentials" });
    const form = credentials.getByRole("form", { name: "Add a git credential" });
    await form.getByLabel("Host").selectOption(host);
    // A token the forge refuses: the forge's answer, and nothing saved.
    await form.getByLabel("Token").fill("ghp_not-a-real-token");
    await form.getByRole("button", { name: "Add credential" }).click();
    await expect(form.getByRole("alert")).toContainText("did not accept this token");
    await form.getByLabel("Token").fill(TOKEN);
    await form.getByRole("button", { name: "Add credential" }).click();
    const row = credentials.getByTestId("git-credential").filter({ hasText: host });
    await expect(row).toContainText(`github · octo-e2e · token …${TOKEN.slice(-4)}`);
    await expect(row).toContainText("scopes: repo");
    await expect(row).toContainText("never used");
    await expect(form.getByLabel("Token")).toHaveValue("");
    expect(await page.content()).not.toContain(TOKEN);
    expect(github.problems).toEqual([]);
    await snap(page, "settings-git-credentials");

    await row.getByRole("button", { name: `Delete the git credential for ${host}` }).click();
    await expect(row).toHaveCount(0);

    // A member: their own credentials section, no providers section.
    const username = uniqueWord("member");
    await api.createUser({ email: `${username}@example.com`, username, password: "password-123", role: "member" });
    const context = await browser.newContext({ baseURL });
    const memberPage = await context.newPage();
    expect((await memberPage.request.post("/api/v2/users/login", { data: { email: `${username}@example.com`, password: "password-123" } })).status()).toBe(201);
    await memberPage.goto("/settings");
    await expect(memberPage.getByRole("region", { name: "Git credentials" })).toBeVisible();
    await expect(memberPage.getByRole("region", { name: "Git credentials" }).getByLabel("Host")).toContainText(host);
    await expect(memberPage.getByRole("region", { name: "Git providers" })).toHaveCount(0);
    await context.close();

    // The owner removes the provider, after a confirmation.
    await providers.getByRole("button", { name: `Remove the git provider ${host}` }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Remove" }).click();
    await expect(providers.getByTestId("git-provider").filter({ hasText: host })).toHaveCount(0);
  } finally {
    await github.close();
    const left = (await api.gitProviders()).find((p) => p.host === host);
    if (left) await api.deleteGitProvider(left.id);
  }
});
