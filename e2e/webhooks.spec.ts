import { startReceiver, type Receiver } from "../tests/support/webhook-receiver";
import { expect, snap, test } from "./fixtures";
import { WebhooksPage } from "./pages/webhooks-page";

// The e2e server allows loopback receivers (TASKYARD_WEBHOOK_ALLOW_PRIVATE=1) and runs the retry
// schedule 10,000× faster (TASKYARD_WEBHOOK_RETRY_SCALE, so "failing for a day" is ~9 s): e2e/global-setup.ts.

let receiver: Receiver;
test.beforeEach(async () => {
  receiver = await startReceiver(() => ({ status: 204 }));
});
test.afterEach(async () => {
  await receiver.close();
});

test("add an endpoint, see its secret once, Send test and see it delivered (signed with that secret); rotate, disable, delete", async ({ signedInPage: page, context }) => {
  test.setTimeout(120_000);
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  const hooks = new WebhooksPage(page);
  await page.goto("/settings");
  await page.getByRole("link", { name: /Manage webhooks/ }).click();
  await expect(hooks.heading()).toBeVisible();
  await expect(page).toHaveURL(/\/settings\/webhooks$/);

  // Sensible defaults: the moments a task needs its owner.
  for (const event of ["task.idle", "task.complete", "task.failed", "task.error"]) await expect(hooks.eventBox(event)).toBeChecked();
  await expect(hooks.eventBox("task.working")).not.toBeChecked();
  await hooks.urlField().fill(receiver.url);
  await hooks.eventBox("task.pull_request").check();
  await hooks.addButton().click();

  // The secret, once, with a copy button that copies exactly it.
  await expect(hooks.secret()).toHaveText(/^whsec_/);
  await snap(page, "webhooks-secret-once");
  const secret = (await hooks.secret().textContent())!.trim();
  await hooks.copySecret().click();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);
  await hooks.doneWithSecret().click();
  await expect(hooks.secretNotice()).toHaveCount(0);
  await page.reload();
  await expect(hooks.endpoint(receiver.url)).toBeVisible();
  await expect(page.getByText(secret)).toHaveCount(0);

  const endpoint = hooks.endpoint(receiver.url);
  await expect(endpoint.getByTestId("webhook-state")).toHaveText("Enabled");
  await expect(endpoint.getByRole("list", { name: "Events" })).toHaveText(/task\.idle.*task\.pull_request/);

  // The log's empty state, then Send test: delivered, one attempt, the receiver's 204, signed with the secret shown.
  await endpoint.getByRole("button", { name: "Delivery log" }).click();
  await expect(page.getByRole("region", { name: `Delivery log for ${receiver.url}` })).toContainText("No deliveries yet");
  await endpoint.getByRole("button", { name: "Send test" }).click();
  const row = hooks.deliveries(receiver.url).first();
  await expect(row).toHaveAttribute("data-status", "delivered", { timeout: 20_000 });
  await expect(row.getByRole("cell")).toHaveText(["webhook.test", "delivered", "1", "204", /\d+ ms|\d+ s/, "", /ago|just now/]);
  expect(receiver.received).toHaveLength(1);
  await snap(page, "webhooks-delivered");
  expect(receiver.verify(secret, receiver.received[0])).toMatchObject({ type: "webhook.test" });

  // Rotate: a new secret, shown once; the next test is signed with it (and no longer with the old one).
  await endpoint.getByRole("button", { name: "Rotate secret" }).click();
  await expect(hooks.secret()).toHaveText(/^whsec_/);
  const rotated = (await hooks.secret().textContent())!.trim();
  expect(rotated).not.toBe(secret);
  await hooks.doneWithSecret().click();
  await endpoint.getByRole("button", { name: "Send test" }).click();
  await expect(hooks.deliveries(receiver.url)).toHaveCount(2);
  await expect(hooks.deliveries(receiver.url).first()).toHaveAttribute("data-status", "delivered", { timeout: 20_000 });
  expect(receiver.verify(rotated, receiver.received[1])).toMatchObject({ type: "webhook.test" });
  expect(() => receiver.verify(secret, receiver.received[1])).toThrow();

  // Disable: no test can be sent; enable again.
  await endpoint.getByRole("button", { name: "Disable" }).click();
  await expect(endpoint.getByTestId("webhook-state")).toHaveText("Disabled");
  await expect(endpoint.getByRole("button", { name: "Send test" })).toBeDisabled();
  await expect(endpoint.getByTestId("webhook-disabled-reason")).toHaveCount(0);
  await endpoint.getByRole("button", { name: "Enable" }).click();
  await expect(endpoint.getByTestId("webhook-state")).toHaveText("Enabled");

  // Delete, after a confirmation (Cancel keeps it).
  await endpoint.getByRole("button", { name: "Delete…" }).click();
  await page.getByRole("dialog", { name: "Delete this webhook?" }).getByRole("button", { name: "Cancel" }).click();
  await expect(endpoint).toBeVisible();
  await endpoint.getByRole("button", { name: "Delete…" }).click();
  await page.getByRole("dialog", { name: "Delete this webhook?" }).getByRole("button", { name: "Delete webhook" }).click();
  await expect(hooks.endpoint(receiver.url)).toHaveCount(0);
});

test("an endpoint the server disabled for failing says why, prominently, and its log shows each failed attempt", async ({ signedInPage: page }) => {
  test.setTimeout(120_000);
  receiver.setAnswer(() => ({ status: 503, body: "down for maintenance" }));
  const hooks = new WebhooksPage(page);
  await hooks.goto();
  await hooks.urlField().fill(receiver.url);
  await hooks.formatField().selectOption("slack");
  await hooks.addButton().click();
  await hooks.doneWithSecret().click();
  const endpoint = hooks.endpoint(receiver.url);
  await expect(endpoint).toContainText("Slack text");
  await endpoint.getByRole("button", { name: "Send test" }).click();

  // The retry schedule is scaled down (global setup): a "day" of failures is a few seconds.
  await expect(endpoint.getByTestId("webhook-disabled-reason")).toContainText(/Disabled for failing:.*503/, { timeout: 60_000 });
  await expect(endpoint.getByTestId("webhook-state")).toHaveText("Disabled");
  const row = hooks.deliveries(receiver.url).first();
  await expect(row).toHaveAttribute("data-status", "failed");
  expect(Number(await row.getByRole("cell").nth(2).textContent())).toBeGreaterThan(1);
  await expect(row.getByRole("cell").nth(3)).toHaveText("503");
  await snap(page, "webhooks-disabled-for-failing");

  await endpoint.getByRole("button", { name: "Delete…" }).click();
  await page.getByRole("dialog", { name: "Delete this webhook?" }).getByRole("button", { name: "Delete webhook" }).click();
  await expect(hooks.endpoint(receiver.url)).toHaveCount(0);
});
