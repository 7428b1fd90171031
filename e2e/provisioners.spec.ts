import os from "node:os";
import { expect, snap, test, uniqueWord } from "./fixtures";
import { ProvisionersPage } from "./pages/provisioners-page";
import { TaskPage } from "./pages/task-page";

test("settings → provisioners: the built-in one online; a key with tags shown once, bad tags refused, delete with confirm", async ({ signedInPage: page, api }) => {
  const view = new ProvisionersPage(page);
  await page.goto("/settings");
  await page.getByRole("link", { name: /See provisioners/ }).click();
  await expect(view.heading()).toBeVisible();
  await expect(page).toHaveURL(/\/settings\/provisioners$/);

  // The server's own provisioner registered itself: its host, built-in, online.
  const builtIn = view.provisioner(os.hostname());
  await expect(builtIn).toHaveCount(1);
  await expect(builtIn).toContainText("built-in");
  await expect(builtIn.getByLabel("online")).toBeVisible();

  // Bad tags are refused on the page, nothing created.
  const name = uniqueWord("eu-").toLowerCase();
  await view.nameField().fill(name);
  await view.tagsField().fill("region");
  await view.createButton().click();
  await expect(view.form().getByRole("alert")).toContainText('"region" is not k=v');
  expect((await api.provisionerKeys()).some((k) => k.name === name)).toBe(false);

  // A key pinning region=eu: shown once, then listed with its tag and never again in full.
  await view.tagsField().fill("region=eu");
  await view.createButton().click();
  await expect(view.shownKey()).toHaveText(/^typk_[0-9a-f]{32}_[0-9a-f]{64}$/);
  const key = (await view.shownKey().textContent())!.trim();
  await snap(page, "provisioners-key-once");
  await view.keyNotice().getByRole("button", { name: "Done" }).click();
  await expect(view.keyNotice()).toHaveCount(0);
  await expect(view.key(name)).toContainText("region=eu");
  await expect(view.key(name)).toContainText("never used");
  await page.reload();
  await expect(view.key(name)).toBeVisible();
  await expect(page.getByText(key)).toHaveCount(0);

  // Delete asks first; cancelling keeps it, confirming revokes it.
  await view.key(name).getByRole("button", { name: `Delete the provisioner key ${name}` }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Cancel" }).click();
  await expect(view.key(name)).toBeVisible();
  await view.key(name).getByRole("button", { name: `Delete the provisioner key ${name}` }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Delete" }).click();
  await expect(view.key(name)).toHaveCount(0);
  expect((await api.provisionerKeys()).some((k) => k.name === name)).toBe(false);
});

test("a task whose template requires a tag no provisioner has says so on its page", async ({ signedInPage: page, api }) => {
  const region = uniqueWord("nowhere").toLowerCase();
  const template = await api.createTemplate({ name: uniqueWord("tag").toLowerCase().slice(0, 30), display_name: "Tagged", config: { agent: { kind: "echo" }, provisioner_tags: { region } } });
  const task = await api.createTask({ input: "hello", template_version_id: template.active_version_id });
  try {
    const taskPage = new TaskPage(page);
    await taskPage.goto("me", task.id);
    await expect(page.getByText(`waiting for a provisioner with region=${region}`).first()).toBeVisible({ timeout: 20_000 });
    await snap(page, "provisioners-task-waiting");
  } finally {
    await api.deleteTask("me", task.id);
  }
});
