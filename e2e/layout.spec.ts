import type { Page } from "@playwright/test";
import { ADMIN, expect, snap, test, uniqueWord } from "./fixtures";
import { TaskPage } from "./pages/task-page";
import { TasksPage } from "./pages/tasks-page";

async function expectNoHorizontalScroll(page: Page) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
}

for (const scheme of ["light", "dark"] as const) {
  test.describe(`360 px wide, ${scheme}`, () => {
    test.use({ viewport: { width: 360, height: 780 }, colorScheme: scheme });

    test(`every page fits and stays usable (${scheme})`, async ({ signedInPage: page, api }) => {
      const echo = (await api.templates()).find((t) => t.name === "echo")!;
      const word = uniqueWord("narrow");
      const task = await api.createTask({
        input: `A rather long prompt ${word} about making the dashboard work on a phone\nwith a second line`,
        template_version_id: echo.active_version_id,
      });
      const tasks = new TasksPage(page);
      await tasks.goto();
      const row = tasks.row(task.display_name);
      await expect(row.getByTestId("task-status")).toHaveText("Active", { timeout: 20_000 });
      await expect(row.getByRole("button", { name: `Pause ${task.display_name}` })).toBeVisible();
      await expectNoHorizontalScroll(page);
      await snap(page, `mobile-${scheme}-tasks`);

      const taskPage = new TaskPage(page);
      await taskPage.goto(ADMIN.username, task.name);
      await taskPage.expectLive();
      await expect(taskPage.entry(/You said: A rather long prompt/)).toBeVisible();
      await expectNoHorizontalScroll(page);
      await snap(page, `mobile-${scheme}-task`);

      await page.context().clearCookies();
      await page.goto("/login");
      await expectNoHorizontalScroll(page);
      await snap(page, `mobile-${scheme}-login`, { fullPage: false });
      await api.deleteTask(ADMIN.username, task.name);
    });
  });
}

test("dark mode follows the system setting", async ({ signedInPage: page }) => {
  await page.emulateMedia({ colorScheme: "dark" });
  const tasks = new TasksPage(page);
  await tasks.goto();
  await expect(tasks.templatePicker()).toBeEnabled();
  const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  expect(background).not.toBe("rgb(250, 250, 250)");
  await snap(page, "tasks-dark", { fullPage: false });
});

test("keyboard: controls are reachable in order and show a focus ring", async ({ signedInPage: page }) => {
  const tasks = new TasksPage(page);
  await tasks.goto();
  await expect(tasks.prompt()).toBeVisible();
  const userMenu = page.getByRole("banner").getByRole("button", { name: ADMIN.username, exact: true });
  await expect(userMenu).toBeVisible(); // in place once the signed-in user is known
  await page.keyboard.press("Tab"); // Taskyard
  await expect(page.getByRole("link", { name: "Taskyard" })).toBeFocused();
  await page.keyboard.press("Tab"); // the notifications bell
  await expect(page.getByRole("banner").getByRole("button", { name: "Notifications" })).toBeFocused();
  await page.keyboard.press("Tab"); // the user menu (sessions and API keys)
  await expect(userMenu).toBeFocused();
  await page.keyboard.press("Tab");
  await expect(tasks.signOut()).toBeFocused();
  const outline = await tasks.signOut().evaluate((el) => getComputedStyle(el).outlineStyle);
  expect(outline).not.toBe("none");
  await page.keyboard.press("Tab");
  await expect(tasks.prompt()).toBeFocused();
  const ring = await page.getByRole("form", { name: "New task" }).evaluate((el) => getComputedStyle(el).outlineStyle);
  expect(ring).not.toBe("none");
  await page.keyboard.press("Tab");
  await expect(tasks.templatePicker()).toBeFocused();

  // Every button on the page has an accessible name.
  const unnamed = await page.getByRole("button").evaluateAll((buttons) =>
    buttons.filter((b) => !(b.getAttribute("aria-label") || b.textContent?.trim())).map((b) => b.outerHTML),
  );
  expect(unnamed).toEqual([]);
  await snap(page, "tasks-keyboard-focus", { fullPage: false });
});
