import { TaskyardError } from "../lib/sdk/client";
import { expect, snap, test } from "./fixtures";
import { TasksPage } from "./pages/tasks-page";

// The e2e server has no ANTHROPIC_API_KEY, so the Claude template cannot run there.
test("unavailable templates are listed disabled with their reason; the default is one that can run", async ({ signedInPage: page, api }) => {
  const templates = await api.templates();
  const claude = templates.find((t) => t.name === "claude")!;
  expect(claude.available).toBe(false);
  expect(claude.unavailable_reason).toContain("ANTHROPIC_API_KEY");
  const firstAvailable = templates.find((t) => t.available)!;
  expect(firstAvailable).toBeTruthy();

  // Even when this browser last used Claude, the default is a template that can run.
  await page.addInitScript((id) => localStorage.setItem("taskyard.lastTemplate", id), claude.id);
  const tasks = new TasksPage(page);
  await tasks.goto();
  const picker = tasks.templatePicker();
  await expect(picker).toBeEnabled();
  await expect(picker).toHaveValue(firstAvailable.id);

  for (const t of templates) {
    const option = picker.locator(`option[value="${t.id}"]`);
    if (t.available) {
      await expect(option).toHaveText(t.display_name);
      await expect(option).toBeEnabled();
    } else {
      await expect(option).toHaveText(`${t.display_name} — unavailable`);
      await expect(option).toBeDisabled();
      await expect(option).toHaveAttribute("title", t.unavailable_reason);
    }
  }

  // The reasons show beside the picker while it is hovered or focused, and describe it.
  const reasons = page.getByTestId("template-unavailable-reasons");
  await expect(picker).toHaveAccessibleDescription(new RegExp(escapeRegExp(claude.unavailable_reason)));
  await picker.focus();
  await expect(reasons).toContainText(`${claude.display_name} is unavailable: ${claude.unavailable_reason}`);
  await expect.poll(async () => (await reasons.boundingBox())?.width ?? 0).toBeGreaterThan(100);
  await snap(page, "tasks-template-unavailable", { fullPage: false });

  // The server refuses one anyway (say it became unavailable after the list loaded).
  const refused = await api.createTask({ input: "never runs", template_version_id: claude.active_version_id }).catch((e: unknown) => e);
  expect(refused).toBeInstanceOf(TaskyardError);
  expect((refused as TaskyardError).status).toBe(400);
});

test("a refused create shows the server's reason", async ({ signedInPage: page, api }) => {
  const claude = (await api.templates()).find((t) => t.name === "claude")!;
  // Pretend the list still says Claude can run, so the server's answer is what the user sees.
  await page.route(/\/api\/v2\/templates$/, async (route) => {
    const response = await route.fetch();
    const list = (await response.json()) as { name: string; available: boolean; unavailable_reason: string }[];
    await route.fulfill({ response, json: list.map((t) => (t.name === "claude" ? { ...t, available: true, unavailable_reason: "" } : t)) });
  });
  const tasks = new TasksPage(page);
  await tasks.goto();
  await tasks.chooseTemplate(claude.display_name);
  await tasks.prompt().fill("This should be refused");
  await tasks.createButton().click();
  await expect(page.getByRole("form", { name: "New task" }).getByRole("alert")).toContainText(claude.unavailable_reason);
  await expect(tasks.prompt()).toHaveValue("This should be refused");
});

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
