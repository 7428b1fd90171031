import type { Page } from "@playwright/test";
import { TaskyardClient, type Task } from "../lib/sdk/client";
import { ADMIN, expect, snap, test, uniqueWord } from "./fixtures";
import { TaskPage } from "./pages/task-page";
import { TasksPage } from "./pages/tasks-page";

declare global {
  interface Window {
    __notifications: { title: string; body: string; notification: Notification }[];
    __permissionRequests: number;
  }
}

/**
 * Records every notification the page shows, through the Notification API itself: the page's
 * `Notification` stays the real one (a subclass that calls it), and so does `requestPermission`.
 */
async function recordNotifications(page: Page) {
  await page.addInitScript(() => {
    const Real = window.Notification;
    window.__notifications = [];
    window.__permissionRequests = 0;
    class Recorded extends Real {
      constructor(title: string, options?: NotificationOptions) {
        super(title, options);
        window.__notifications.push({ title, body: options?.body ?? "", notification: this });
      }
      static override requestPermission(...args: Parameters<typeof Notification.requestPermission>) {
        window.__permissionRequests++;
        return Real.requestPermission(...args);
      }
    }
    window.Notification = Recorded;
  });
}

const shown = (page: Page) => page.evaluate(() => window.__notifications.map(({ title, body }) => ({ title, body })));
const titled = async (page: Page, words: string) => (await shown(page)).filter((n) => n.title.includes(words));

async function waitForState(client: TaskyardClient, owner: string, task: Task, state: "idle", timeout = 60_000) {
  await expect
    .poll(async () => {
      const t = await client.task(owner, task.id);
      return t.status === "active" ? t.current_state?.state : t.status;
    }, { timeout, intervals: [250] })
    .toBe(state);
}

const myWaitingCount = async (api: TaskyardClient) => (await api.tasks("owner:me status:active state:idle", { limit: 1 })).count;

test("opted in, a task of mine going idle notifies once per transition, its click opens the task, and the tab counts what waits", async ({ signedInPage: page, api, baseURL }) => {
  test.setTimeout(180_000);
  await page.context().grantPermissions(["notifications"], { origin: baseURL });
  await recordNotifications(page);
  const word = uniqueWord("notify");
  const echo = (await api.templates()).find((t) => t.name === "echo")!;
  const create = (client: TaskyardClient, input: string, display_name: string) =>
    client.createTask({ input, template_version_id: echo.active_version_id, display_name });

  // A task already waiting when the page opens is not news.
  const before = await create(api, `Already waiting ${word}`, `Earlier ${word}`);
  await waitForState(api, ADMIN.username, before, "idle");

  // Someone else's task (an admin's stream names it too).
  const member = { email: `${word}@example.com`, username: word, password: "password-123" };
  await api.createUser({ ...member, role: "member" });
  const other = new TaskyardClient({ baseUrl: baseURL! });
  other.token = (await other.login(member.email, member.password)).session_token;

  const tasks = new TasksPage(page);
  await tasks.goto();
  const bell = page.getByRole("button", { name: "Notifications" });
  await expect(bell).toHaveAttribute("aria-pressed", "false");
  await bell.click();
  await expect(bell).toHaveAttribute("aria-pressed", "true");
  // Already granted to this origin: nothing to ask.
  expect(await page.evaluate(() => window.__permissionRequests)).toBe(0);

  const mine = await create(api, `Notify me ${word}`, `Mine ${word}`);
  const theirs = await create(other, `Not for the admin ${word}`, `Theirs ${word}`);
  await expect.poll(() => titled(page, `Mine ${word}`), { timeout: 60_000 }).toEqual([
    { title: `Mine ${word} needs your input`, body: expect.any(String) as unknown as string },
  ]);
  await waitForState(other, "me", theirs, "idle");

  // The tab title and favicon carry my waiting count.
  const waiting = await myWaitingCount(api);
  expect(waiting).toBeGreaterThanOrEqual(2);
  await expect(page).toHaveTitle(`(${waiting}) Tasks · Taskyard`);
  await expect(page.locator('link[rel~="icon"]').first()).toHaveAttribute("href", /^data:image\/png;base64,/);

  // Once per transition: more changes to the same waiting task say nothing new…
  await page.waitForTimeout(2000);
  expect(await titled(page, `Mine ${word}`)).toHaveLength(1);
  expect(await titled(page, `Earlier ${word}`)).toEqual([]);
  expect(await titled(page, `Theirs ${word}`)).toEqual([]);
  // …but a new turn ending is a new transition.
  await api.send(ADMIN.username, mine.name, `/sleep 1500 again ${word}`);
  await expect.poll(() => titled(page, `Mine ${word}`), { timeout: 30_000 }).toHaveLength(2);

  // Clicking it brings the tab to the task.
  await page.evaluate(() => window.__notifications.at(-1)!.notification.dispatchEvent(new Event("click")));
  await expect(page).toHaveURL(new RegExp(`/tasks/${ADMIN.username}/${mine.name}$`));
  const taskPage = new TaskPage(page);
  await expect(taskPage.heading()).toContainText(`Mine ${word}`);
  // (The page's own title is its business: only the count in front is checked.)
  const counted = (n: number) => (n > 0 ? new RegExp(`^\\(${n}\\) \\S`) : /^[^(]/);
  await expect(page).toHaveTitle(counted(waiting));

  // No longer waiting: the count goes down.
  await api.pause(ADMIN.username, mine.name);
  const fewer = waiting - 1;
  await expect(page).toHaveTitle(counted(fewer), { timeout: 15_000 });
  if (fewer === 0) await expect(page.locator('link[rel~="icon"]').first()).toHaveAttribute("href", "/favicon.svg");
  expect(await titled(page, `Theirs ${word}`)).toEqual([]);

  await Promise.all([api.deleteTask(ADMIN.username, mine.name), api.deleteTask(ADMIN.username, before.name), other.deleteTask("me", theirs.name)]);
});

test("turning notifications on asks the browser only then, and a refusal is explained and leaves them off", async ({ signedInPage: page }) => {
  await page.context().clearPermissions();
  await recordNotifications(page);
  await new TasksPage(page).goto();
  const bell = page.getByRole("button", { name: "Notifications" });
  await expect(bell).toHaveAttribute("aria-pressed", "false");
  expect(await page.evaluate(() => window.__permissionRequests)).toBe(0);
  // Not asked yet: the browser's own state is still "default" (so the click below is what asks).
  expect(await page.evaluate(() => Notification.permission)).toBe("default");

  await bell.click();
  // Headless Chromium answers the prompt itself (it cannot show one): a refusal.
  const refusal = page.getByRole("alert").filter({ hasText: "blocks notifications" });
  await expect(refusal).toBeVisible();
  await snap(page, "notifications-refused", { fullPage: false });
  expect(await page.evaluate(() => window.__permissionRequests)).toBe(1);
  await expect(bell).toHaveAttribute("aria-pressed", "false");
  await page.getByRole("button", { name: "Dismiss" }).click();
  await expect(refusal).toHaveCount(0);
});
