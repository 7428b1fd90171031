import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { TASK_EVENT_TYPES } from "../../lib/validation/task-events";
import { webhookDeliveryResponse, webhookResponse, webhookSecretResponse } from "../../lib/validation/responses";
import { createTestUser, raw, type TestUser } from "../support/api";
import { testSql } from "../support/db";
import { startReceiver, waitUntil, type Receiver } from "../support/webhook-receiver";

/**
 * The webhooks API on the shared test server, which does NOT set TASKYARD_WEBHOOK_ALLOW_PRIVATE:
 * wire shapes, bad input, who may see what, and private addresses refused at creation and at
 * delivery. Deliveries to a receiver are tested in webhook-delivery.test.ts.
 */
const sql = testSql();
let alice: TestUser;
let bob: TestUser;
let receiver: Receiver;
// Does not resolve here: accepted (deliveries retry), and nothing is ever reached.
const PUBLIC_URL = "https://hooks.example.invalid/taskyard";

beforeAll(async () => {
  [alice, bob] = await Promise.all([createTestUser(), createTestUser()]);
  receiver = await startReceiver();
});
afterAll(() => receiver.close());

const create = (user: TestUser, body: unknown) => raw("POST", "/api/v2/users/me/webhooks", { token: user.token, body });

describe("webhook endpoints", () => {
  it("are created with a whsec_ secret shown once, listed without it, changed, rotated and removed", async () => {
    const res = await create(alice, { url: PUBLIC_URL, events: ["task.idle", "task.complete", "task.idle"] });
    expect(res.status).toBe(201);
    const created = webhookSecretResponse.parse(res.body);
    expect(created).toMatchObject({ url: PUBLIC_URL, events: ["task.idle", "task.complete"], format: "json", enabled: true, all_tasks: false, disabled_reason: null });
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    expect(Object.keys(res.body).sort()).toEqual(["all_tasks", "created_at", "disabled_reason", "enabled", "events", "format", "id", "secret", "url"]);
    // At rest it is sealed, not the secret.
    const [row] = await sql`SELECT secret_encrypted FROM webhook_endpoints WHERE id = ${created.id}`;
    expect(row.secret_encrypted).not.toContain(created.secret.slice(6));

    const list = await raw("GET", "/api/v2/users/me/webhooks", { token: alice.token });
    expect(list.status).toBe(200);
    expect(list.body).toHaveLength(1);
    const { secret: _secret, ...shown } = created;
    expect(webhookResponse.strict().parse(list.body[0])).toEqual(shown);
    expect(list.text).not.toContain(created.secret);
    expect(list.body[0]).not.toHaveProperty("secret");

    const patched = await raw("PATCH", `/api/v2/users/me/webhooks/${created.id}`, { token: alice.token, body: { format: "slack", enabled: false } });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ format: "slack", enabled: false });
    expect(patched.body).not.toHaveProperty("secret");

    const rotated = await raw("POST", `/api/v2/users/me/webhooks/${created.id}/secret`, { token: alice.token });
    expect(rotated.status).toBe(200);
    expect(webhookSecretResponse.parse(rotated.body).secret).not.toBe(created.secret);

    expect((await raw("GET", `/api/v2/users/me/webhooks/${created.id}/deliveries`, { token: alice.token })).body).toEqual([]);
    expect((await raw("DELETE", `/api/v2/users/me/webhooks/${created.id}`, { token: alice.token })).status).toBe(204);
    expect((await raw("GET", "/api/v2/users/me/webhooks", { token: alice.token })).body).toEqual([]);
    expect((await raw("DELETE", `/api/v2/users/me/webhooks/${created.id}`, { token: alice.token })).status).toBe(404);
  });

  it("answer 400 with the field for bad input, and change nothing", async () => {
    const cases: [unknown, string][] = [
      [{ url: "ftp://example.com/x", events: ["task.idle"] }, "url"],
      [{ url: "https://user:pw@example.com/x", events: ["task.idle"] }, "url"],
      [{ url: "not a url", events: ["task.idle"] }, "url"],
      [{ url: PUBLIC_URL, events: [] }, "events"],
      [{ url: PUBLIC_URL, events: ["task.exploded"] }, "events.0"],
      [{ url: PUBLIC_URL, events: ["task.idle"], format: "xml" }, "format"],
      [{ url: PUBLIC_URL }, "events"],
      [{ events: ["task.idle"] }, "url"],
    ];
    for (const [body, field] of cases) {
      const res = await create(alice, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.validations.map((v: { field: string }) => v.field)).toContain(field);
    }
    const ok = await create(alice, { url: PUBLIC_URL, events: ["task.idle"] });
    for (const body of [{}, { enabled: "yes" }, { url: "javascript:alert(1)" }, { secret: "whsec_mine" }]) {
      expect((await raw("PATCH", `/api/v2/users/me/webhooks/${ok.body.id}`, { token: alice.token, body })).status, JSON.stringify(body)).toBe(400);
    }
    expect((await raw("GET", "/api/v2/users/me/webhooks", { token: alice.token })).body).toHaveLength(1);
    await raw("DELETE", `/api/v2/users/me/webhooks/${ok.body.id}`, { token: alice.token });
  });

  it("are private: another user's endpoint is a 404 everywhere, another user's list a 404 or 403", async () => {
    const mine = await create(alice, { url: PUBLIC_URL, events: ["task.created"] });
    const id = mine.body.id;
    for (const [method, path] of [
      ["PATCH", `/api/v2/users/me/webhooks/${id}`],
      ["DELETE", `/api/v2/users/me/webhooks/${id}`],
      ["POST", `/api/v2/users/me/webhooks/${id}/secret`],
      ["GET", `/api/v2/users/me/webhooks/${id}/deliveries`],
      ["POST", `/api/v2/users/me/webhooks/${id}/test`],
      ["GET", `/api/v2/users/me/webhooks/not-a-uuid/deliveries`],
    ]) {
      const res = await raw(method, path, { token: bob.token, body: method === "PATCH" ? { enabled: false } : undefined });
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(res.text).not.toContain(PUBLIC_URL);
    }
    expect((await raw("GET", `/api/v2/users/${alice.username}/webhooks`, { token: bob.token })).status).toBe(404);
    // The owner sees every user but manages only their own webhooks.
    const owner = { token: inject("ownerToken") };
    expect((await raw("GET", `/api/v2/users/${alice.username}/webhooks`, owner)).status).toBe(403);
    expect((await raw("GET", "/api/v2/users/me/webhooks", { token: bob.token })).body).toEqual([]);
    expect((await raw("GET", "/api/v2/users/me/webhooks", { token: alice.token })).body.map((w: { id: string }) => w.id)).toContain(id);
    await raw("DELETE", `/api/v2/users/me/webhooks/${id}`, { token: alice.token });
  });

  it("take every task's events (all_tasks) only for the owner and admins", async () => {
    const res = await create(alice, { url: PUBLIC_URL, events: ["task.created"], all_tasks: true });
    expect(res.status).toBe(403);
    const admin = await createTestUser("admin");
    const ok = await create(admin, { url: PUBLIC_URL, events: [...TASK_EVENT_TYPES], all_tasks: true });
    expect(ok.status).toBe(201);
    expect(ok.body.all_tasks).toBe(true);
    await raw("DELETE", `/api/v2/users/me/webhooks/${ok.body.id}`, { token: admin.token });
  });
});

describe("webhook addresses", () => {
  it.each([
    "http://127.0.0.1:8080/hook",
    "http://localhost/hook",
    "http://10.0.0.5/hook",
    "http://172.16.3.4/hook",
    "http://192.168.0.10/hook",
    "http://100.64.0.1/hook",
    "http://169.254.169.254/latest/meta-data/",
    "http://metadata.google.internal/computeMetadata/v1/",
    "http://[::1]/hook",
    "http://[fe80::1]/hook",
    "http://[fd00::1]/hook",
    "http://[::ffff:127.0.0.1]/hook",
    "http://0.0.0.0/hook",
    "http://224.0.0.1/hook",
  ])("refuse %s at creation (400 on url), and on a change of url", async (url) => {
    const res = await create(alice, { url, events: ["task.idle"] });
    expect(res.status).toBe(400);
    expect(res.body.validations).toEqual([{ field: "url", detail: expect.stringMatching(/TASKYARD_WEBHOOK_ALLOW_PRIVATE|metadata/) }]);
  });

  it("refuse a private address at delivery too, after DNS: a name that now resolves to loopback reaches nothing", async () => {
    const created = await create(alice, { url: "http://rebinding.example.invalid/hook", events: ["task.created"] });
    expect(created.status).toBe(201);
    expect((await raw("PATCH", `/api/v2/users/me/webhooks/${created.body.id}`, { token: alice.token, body: { url: `http://localhost:${receiver.port}/hook` } })).status).toBe(400);
    // As if the name's DNS now answered 127.0.0.1: the row says a name that resolves to loopback.
    await sql`UPDATE webhook_endpoints SET url = ${`http://localhost:${receiver.port}/hook`} WHERE id = ${created.body.id}`;
    expect((await raw("POST", `/api/v2/users/me/webhooks/${created.body.id}/test`, { token: alice.token })).status).toBe(202);
    const [delivery] = await waitUntil("the test delivery settles", async () => {
      const log = (await raw("GET", `/api/v2/users/me/webhooks/${created.body.id}/deliveries`, { token: alice.token })).body;
      return log[0]?.status !== "pending" && log;
    });
    expect(webhookDeliveryResponse.parse(delivery)).toMatchObject({ event: "webhook.test", status: "failed", attempts: 1, response_status: null, delivered_at: null });
    expect(delivery.last_error).toMatch(/^refused: localhost resolves to (127\.0\.0\.1|::1) \(loopback\)/);
    expect(receiver.received).toEqual([]);
  });
});
