import { test as base, expect, type Page } from "@playwright/test";
import { TaskyardClient } from "../lib/sdk/client";
import { ADMIN } from "./global-setup";

export { expect };
export { ADMIN };

export const SCREENSHOTS = "e2e/screenshots";

type Fixtures = {
  /** The SDK, signed in as the admin, for arranging state the test is not about. */
  api: TaskyardClient;
  /** A page whose browser context already holds the admin's session cookie. */
  signedInPage: Page;
};

export const test = base.extend<Fixtures>({
  baseURL: async ({}, use) => {
    const url = process.env.TASKYARD_E2E_BASE_URL;
    if (!url) throw new Error("TASKYARD_E2E_BASE_URL is not set: run through playwright.config.ts (global setup starts the server)");
    await use(url);
  },
  api: async ({ baseURL }, use) => {
    const client = new TaskyardClient({ baseUrl: baseURL! });
    client.token = (await client.login(ADMIN.email, ADMIN.password)).session_token;
    await use(client);
  },
  signedInPage: async ({ page }, use) => {
    const res = await page.request.post("/api/v2/users/login", { data: { email: ADMIN.email, password: ADMIN.password } });
    expect(res.status()).toBe(201);
    await use(page);
  },
});

/** Saves a screenshot for review under e2e/screenshots/ (scrolled to the top, so a sticky header stays on top). */
export async function snap(page: Page, name: string, { fullPage = true }: { fullPage?: boolean } = {}) {
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: `${SCREENSHOTS}/${name}.png`, fullPage });
}

/** A unique word, so tests can find their own tasks among others. */
export function uniqueWord(prefix = "e2e"): string {
  return `${prefix}${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
}
