import { ADMIN, expect, snap, test, uniqueWord } from "./fixtures";
import { LoginPage } from "./pages/login-page";
import { TasksPage } from "./pages/tasks-page";

test("filters, tab and search live in the URL and survive a reload", async ({ signedInPage: page, api }) => {
  const word = uniqueWord("filter");
  const echo = (await api.templates()).find((t) => t.name === "echo")!;
  const task = await api.createTask({ input: `Filterable ${word}`, template_version_id: echo.active_version_id });
  const tasks = new TasksPage(page);

  await tasks.goto();
  // Typing before the page is hydrated would be lost; the template picker is enabled once it is.
  await expect(tasks.templatePicker()).toBeEnabled();
  await tasks.search().fill(word);
  await expect(page).toHaveURL(new RegExp(`search=${word}`));
  await expect(tasks.list().getByRole("listitem")).toHaveCount(1);
  await expect(tasks.row(task.display_name)).toBeVisible();

  await tasks.statusFilter().selectOption("paused");
  await expect(page).toHaveURL(/status=paused/);
  await expect(page.getByRole("heading", { name: "No tasks match these filters" })).toBeVisible();

  await tasks.ownerFilter().selectOption("all");
  await expect(page).toHaveURL(/owner=all/);
  await page.reload();
  await expect(tasks.search()).toHaveValue(word);
  await expect(tasks.statusFilter()).toHaveValue("paused");
  await expect(tasks.ownerFilter()).toHaveValue("all");
  await page.getByRole("button", { name: "Clear filters" }).click();
  await expect(page).toHaveURL(/\/tasks$/);
  await expect(tasks.row(task.display_name)).toBeVisible();

  // Waiting for input: the echo agent answers and waits, so the task moves into this tab.
  await expect(tasks.row(task.display_name).getByTestId("task-status")).toHaveText("Active", { timeout: 20_000 });
  await tasks.tab("Waiting for input").click();
  await expect(page).toHaveURL(/tab=waiting/);
  await expect(tasks.tab("Waiting for input")).toHaveAttribute("aria-selected", "true");
  await expect(tasks.row(task.display_name)).toBeVisible();
  await tasks.tab("Waiting for input").press("ArrowLeft");
  await expect(tasks.tab("All")).toBeFocused();
  await expect(page).not.toHaveURL(/tab=waiting/);

  await api.deleteTask(ADMIN.username, task.name);
  await expect(tasks.row(task.display_name)).toHaveCount(0, { timeout: 5000 });
});

test("a change made elsewhere shows within 1 s without a reload; row actions pause and delete", async ({ signedInPage: page, api }) => {
  const word = uniqueWord("rows");
  const echo = (await api.templates()).find((t) => t.name === "echo")!;
  const tasks = new TasksPage(page);
  // "Within 1 s" is the live page's promise: the change is made once its change stream is open.
  const streamOpen = page.waitForResponse((r) => r.url().endsWith("/api/v2/task-events"));
  await tasks.goto();
  await expect(tasks.prompt()).toBeVisible();
  await streamOpen;

  const task = await api.createTask({ input: `Made by the API ${word}`, template_version_id: echo.active_version_id });
  const row = tasks.row(task.display_name);
  await expect(row).toBeVisible({ timeout: 1000 });
  await expect(row.getByTestId("task-status")).toHaveText("Active", { timeout: 20_000 });

  await row.getByRole("button", { name: `Pause ${task.display_name}` }).click();
  await expect(row.getByTestId("task-status")).toHaveText("Paused", { timeout: 30_000 });
  await expect(row.getByRole("button", { name: `Resume ${task.display_name}` })).toBeVisible();

  await api.resume(ADMIN.username, task.name);
  await expect(row.getByTestId("task-status")).not.toHaveText("Paused", { timeout: 1000 });

  await row.getByRole("button", { name: `Delete ${task.display_name}` }).click();
  const dialog = page.getByRole("dialog", { name: "Delete this task?" });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole("button", { name: "Cancel" })).toBeFocused();
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  await row.getByRole("button", { name: `Delete ${task.display_name}` }).click();
  await dialog.getByRole("button", { name: "Delete task" }).click();
  await expect(row).toHaveCount(0);
});

test("loading skeleton, then an error state whose Try again recovers", async ({ signedInPage: page }) => {
  const tasks = new TasksPage(page);
  let mode: "slow" | "fail" | "pass" = "slow";
  await page.route(/\/api\/v2\/tasks\?/, async (route) => {
    if (mode === "slow") {
      await new Promise((r) => setTimeout(r, 1500));
      return route.continue();
    }
    if (mode === "fail") return route.fulfill({ status: 500, contentType: "application/json", body: JSON.stringify({ message: "Database is on fire." }) });
    return route.continue();
  });
  await tasks.goto();
  await expect(page.getByRole("status", { name: "Loading tasks" })).toBeVisible();
  await snap(page, "tasks-loading", { fullPage: false });

  mode = "fail";
  await page.reload();
  const alert = page.getByRole("alert").filter({ hasText: "Couldn’t load tasks" });
  await expect(alert).toBeVisible({ timeout: 15_000 });
  await expect(alert).toContainText("Database is on fire.");
  await snap(page, "tasks-error", { fullPage: false });
  mode = "pass";
  await alert.getByRole("button", { name: "Try again" }).click();
  await expect(tasks.list().or(page.getByRole("heading", { name: /No tasks/ }))).toBeVisible();
});

test("sign out ends the session; a deep link survives the trip through /login", async ({ signedInPage: page }) => {
  const tasks = new TasksPage(page);
  await tasks.goto("?status=active");
  await tasks.signOut().click();
  await expect(page).toHaveURL(/\/login/);
  await page.goto("/tasks?status=active");
  await expect(page).toHaveURL(/\/login\?redirect=%2Ftasks%3Fstatus%3Dactive/);
  await new LoginPage(page).signIn(ADMIN.email, ADMIN.password);
  await expect(page).toHaveURL(/\/tasks\?status=active$/);
  await expect(tasks.statusFilter()).toHaveValue("active");
});

test("an open redirect is refused: ?redirect= only goes to this site", async ({ page }) => {
  const login = new LoginPage(page);
  await login.goto("//evil.example.com/x");
  await login.signIn(ADMIN.email, ADMIN.password);
  await expect(page).toHaveURL(/\/tasks$/);
});

test("a change made while the first list is on its way still shows: the list is read again once the change stream is open", async ({ signedInPage: page, api }) => {
  const echo = (await api.templates()).find((t) => t.name === "echo")!;
  const task = await api.createTask({ input: `Changed in flight ${uniqueWord("flight")}`, template_version_id: echo.active_version_id });
  await expect.poll(async () => (await api.task(ADMIN.username, task.name)).status, { timeout: 20_000 }).toBe("active");

  // What the list said while the task was active; then the task is paused.
  const stale = await (await page.request.get("/api/v2/tasks?q=owner%3Ame&limit=50")).text();
  expect(stale).toContain(task.id);
  await api.pause(ADMIN.username, task.name);
  await expect.poll(async () => (await api.task(ADMIN.username, task.name)).status, { timeout: 30_000 }).toBe("paused");

  // Every list read the page starts before its change stream is open is answered, once the stream
  // is open, with the active task: no change is announced after that, so only a read made after
  // the stream opened (not joining one in flight) shows the pause.
  let open = false;
  const streamOpen = page.waitForResponse((r) => r.url().endsWith("/api/v2/task-events")).then(() => (open = true));
  await page.route(/\/api\/v2\/tasks\?.*limit=50/, async (route) => {
    if (open) return route.continue();
    await streamOpen;
    await page.waitForTimeout(300);
    // A read the page gave up on meanwhile has nobody to answer.
    await route.fulfill({ status: 200, contentType: "application/json", body: stale }).catch(() => {});
  });
  const tasks = new TasksPage(page);
  await tasks.goto();
  await expect(tasks.row(task.display_name).getByTestId("task-status")).toHaveText("Paused", { timeout: 5000 });
  await api.deleteTask(ADMIN.username, task.name);
});
