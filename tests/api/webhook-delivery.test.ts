import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TaskyardClient } from "../../lib/sdk/client";
import { taskResponse } from "../../lib/validation/responses";
import { startReceiver, waitUntil, type Receiver } from "../support/webhook-receiver";
import { webhookDatabase } from "../support/webhook-server";

/**
 * Deliveries, end to end: a real `taskyard server` (its launcher runs the dispatcher) on a database
 * of its own, a loopback receiver (TASKYARD_WEBHOOK_ALLOW_PRIVATE=1) and the retry schedule scaled
 * so the day after which a failing endpoint is disabled lasts 4.3 s.
 */
let stack: Awaited<ReturnType<typeof webhookDatabase>>;
let server: Awaited<ReturnType<typeof stack.start>>;
const receivers: Receiver[] = [];

beforeAll(async () => {
  stack = await webhookDatabase();
  server = await stack.start();
}, 120_000);
afterAll(async () => {
  for (const r of receivers) await r.close();
  await stack?.close();
});

async function receiver(...args: Parameters<typeof startReceiver>) {
  const r = await startReceiver(...args);
  receivers.push(r);
  return r;
}

const echoVersion = async (client: TaskyardClient) => (await client.templates()).find((t) => t.name === "echo")!.active_version_id;
const newTask = async (client: TaskyardClient, input: string) => client.createTask({ input, template_version_id: await echoVersion(client) });
const parsed = (body: string) => JSON.parse(body) as { type: string; timestamp: string; data: { id: string; name: string } };

describe("webhook deliveries", () => {
  it("POST a body signed per Standard Webhooks (verified by its own library) that is the API's task", async () => {
    const { client } = await stack.user();
    const r = await receiver();
    const hook = await client.createWebhook({ url: r.url, events: ["task.created"] });
    const task = await newTask(client, "Sign this");
    const [got] = await waitUntil("a delivery", () => r.received.length > 0 && r.received);
    expect(r.verify(hook.secret, got)).toMatchObject({ type: "task.created" });
    expect(() => r.verify(`whsec_${Buffer.from("another secret, 24 bytes").toString("base64")}`, got)).toThrow();
    expect(got.signature).toMatch(/^v1,[A-Za-z0-9+/=]+$/);
    expect(Math.abs(Number(got.timestamp) - Date.now() / 1000)).toBeLessThan(60);
    expect(got.headers["content-type"]).toBe("application/json");
    const body = parsed(got.body);
    expect(Object.keys(body).sort()).toEqual(["data", "timestamp", "type"]);
    expect(body.type).toBe("task.created");
    expect(taskResponse.parse(body.data)).toMatchObject({ id: task.id, name: task.name, owner_id: task.owner_id, initial_prompt: "Sign this" });
    expect(Object.keys(body.data).sort()).toEqual(Object.keys(await client.task("me", task.id)).sort());
    const [delivery] = await waitUntil("logged as delivered", async () => {
      const log = await client.webhookDeliveries(hook.id);
      return log[0]?.status === "delivered" && log;
    });
    expect(delivery).toMatchObject({ id: got.id, event: "task.created", status: "delivered", attempts: 1, response_status: 200, last_error: null, next_attempt_at: null });
    expect(delivery.latency_ms).toBeGreaterThanOrEqual(0);
  });

  it("retry a 500 with the same id and body, and hold later events until the first is through (in order)", async () => {
    const { client } = await stack.user();
    let failuresLeft = 2;
    const r = await receiver(() => (failuresLeft-- > 0 ? { status: 500, body: "try later" } : { status: 200 }));
    const hook = await client.createWebhook({ url: r.url, events: ["task.created", "task.deleted"] });
    const first = await newTask(client, "First");
    const second = await newTask(client, "Second");
    await client.deleteTask("me", first.id);
    await waitUntil("five requests", () => r.received.length >= 5 && r.received);
    const seen = r.received.map((g) => `${parsed(g.body).type} ${parsed(g.body).data.id === first.id ? "first" : "second"}`);
    expect(seen).toEqual(["task.created first", "task.created first", "task.created first", "task.created second", "task.deleted first"]);
    expect(new Set(r.received.slice(0, 3).map((g) => g.id)).size).toBe(1);
    expect(new Set(r.received.slice(0, 3).map((g) => g.body)).size).toBe(1);
    for (const g of r.received) r.verify(hook.secret, g);
    const log = await waitUntil("all delivered", async () => {
      const l = await client.webhookDeliveries(hook.id);
      return l.every((d) => d.status === "delivered") && l;
    });
    // Newest first.
    expect(log.map((d) => [d.event, d.attempts])).toEqual([["task.deleted", 1], ["task.created", 1], ["task.created", 3]]);
    expect(log[2].last_error).toBeNull();
    // A deleted task still renders as itself.
    expect(parsed(r.received[4].body).data).toMatchObject({ id: first.id, initial_prompt: "First" });
    expect(second.id).not.toBe(first.id);
  });

  it("wait as long as Retry-After asks (2 s here, where the schedule would retry in under a millisecond)", async () => {
    const { client } = await stack.user();
    const r = await receiver((_, i) => (i === 0 ? { status: 429, headers: { "retry-after": "2" } } : { status: 200 }));
    await client.createWebhook({ url: r.url, events: ["task.created"] });
    await newTask(client, "Patience");
    await waitUntil("two requests", () => r.received.length >= 2, 15_000);
    expect(r.received[1].at - r.received[0].at).toBeGreaterThanOrEqual(1900);
    expect(r.received[1].id).toBe(r.received[0].id);
  });

  it("send nothing for a change that rolled back", async () => {
    const { client } = await stack.user();
    const r = await receiver();
    const hook = await client.createWebhook({ url: r.url, events: ["task.deleted"] });
    const task = await newTask(client, "Almost deleted");
    await stack.sql
      .begin(async (tx) => {
        await tx`UPDATE tasks SET deleted_at = now() WHERE id = ${task.id}`;
        expect(await tx`SELECT 1 FROM webhook_deliveries WHERE endpoint_id = ${hook.id}`).toHaveLength(1); // fanned out, inside
        throw new Error("roll back");
      })
      .catch((e: Error) => expect(e.message).toBe("roll back"));
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(r.received).toEqual([]);
    await client.deleteTask("me", task.id);
    await waitUntil("the real deletion", () => r.received.length > 0);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(r.received.map((g) => parsed(g.body).type)).toEqual(["task.deleted"]);
  });

  it("never follow a redirect: a 3xx is a failed delivery and its target hears nothing", async () => {
    const { client } = await stack.user();
    const target = await receiver();
    const r = await receiver(() => ({ status: 302, headers: { location: target.url } }));
    const hook = await client.createWebhook({ url: r.url, events: ["task.created"] });
    await newTask(client, "Go elsewhere");
    const [delivery] = await waitUntil("failed", async () => {
      const l = await client.webhookDeliveries(hook.id);
      return l[0]?.status === "failed" && l;
    });
    expect(delivery).toMatchObject({ attempts: 1, response_status: 302 });
    expect(delivery.last_error).toMatch(/redirects are not followed/);
    expect(r.received).toHaveLength(1);
    expect(target.received).toEqual([]);
  });

  it("speak Slack's format: one text line naming the task, what happened and a link to its page", async () => {
    const { client } = await stack.user();
    const r = await receiver();
    const hook = await client.createWebhook({ url: r.url, events: ["task.created"], format: "slack" });
    const task = await newTask(client, "Talk to <!channel> & friends");
    const [got] = await waitUntil("a delivery", () => r.received.length > 0 && r.received);
    r.verify(hook.secret, got);
    const body = JSON.parse(got.body);
    expect(Object.keys(body)).toEqual(["text"]);
    const shown = await client.task("me", task.id);
    expect(body.text).toContain(`“${shown.display_name.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")}”`);
    expect(body.text).toContain("was created");
    expect(body.text).toContain(`${server.baseUrl}/tasks/${shown.owner_name}/${shown.name}`);
    expect(body.text).not.toContain("<!channel>");
  });

  it("disable an endpoint failing for a (scaled) day, saying why, and fail its queue", async () => {
    const { client } = await stack.user();
    const r = await receiver(() => ({ status: 503, body: "down for maintenance" }));
    const hook = await client.createWebhook({ url: r.url, events: ["task.created"] });
    await newTask(client, "Nobody listens");
    const disabled = await waitUntil("disabled", async () => (await client.webhooks()).find((w) => w.id === hook.id && !w.enabled), 20_000);
    expect(disabled.disabled_reason).toMatch(/^failing since \d{4}-\d\d-\d\dT[\d:.]+Z: HTTP 503: down for maintenance/);
    const attempts = r.received.length;
    expect(attempts).toBeGreaterThanOrEqual(5);
    const [delivery] = await client.webhookDeliveries(hook.id);
    expect(delivery).toMatchObject({ status: "failed", response_status: 503 });
    // Disabled: new events are not queued for it, and nothing more is sent.
    await newTask(client, "Still nobody");
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(r.received).toHaveLength(attempts);
    expect(await client.webhookDeliveries(hook.id)).toHaveLength(1);
    // Enabled again by hand: the reason goes, and the next event is delivered.
    r.setAnswer(() => ({ status: 200 }));
    const enabled = await client.updateWebhook(hook.id, { enabled: true });
    expect(enabled).toMatchObject({ enabled: true, disabled_reason: null });
    await newTask(client, "Back");
    await waitUntil("delivered after re-enabling", async () => (await client.webhookDeliveries(hook.id))[0]?.status === "delivered");
  });

  it("queue a signed test delivery (202) that shows in the log; a rotated secret signs from then on", async () => {
    const { client, token } = await stack.user();
    const r = await receiver();
    const hook = await client.createWebhook({ url: r.url, events: ["task.idle"] });
    const res = await fetch(`${server.baseUrl}/api/v2/users/me/webhooks/${hook.id}/test`, { method: "POST", headers: { "Coder-Session-Token": token } });
    expect(res.status).toBe(202);
    const [got] = await waitUntil("the test", () => r.received.length > 0 && r.received);
    expect(r.verify(hook.secret, got)).toMatchObject({ type: "webhook.test" });
    await waitUntil("logged", async () => (await client.webhookDeliveries(hook.id))[0]?.status === "delivered");
    expect((await client.webhookDeliveries(hook.id))[0]).toMatchObject({ event: "webhook.test", status: "delivered", attempts: 1, response_status: 200 });
    const rotated = await client.rotateWebhookSecret(hook.id);
    await client.testWebhook(hook.id);
    const second = await waitUntil("the second test", () => r.received[1]);
    expect(r.verify(rotated.secret, second)).toMatchObject({ type: "webhook.test" });
    expect(() => r.verify(hook.secret, second)).toThrow();
  });

  it("deliver after the server was killed between the change and the delivery (another takes over when the lease runs out)", async () => {
    const { client, token } = await stack.user();
    const r = await receiver(() => "hang");
    const hook = await client.createWebhook({ url: r.url, events: ["task.created"] });
    const task = await newTask(client, "Survive a crash");
    await waitUntil("the attempt in flight", () => r.received.length > 0);
    await server.kill();
    r.setAnswer(() => ({ status: 200 }));
    server = await stack.start();
    const got = await waitUntil("delivered by the next server", () => r.received[1], 60_000);
    expect(got.id).toBe(r.received[0].id);
    expect(parsed(got.body).data.id).toBe(task.id);
    r.verify(hook.secret, got);
    const log = await waitUntil("logged as delivered", async () => {
      const l = await (await fetch(`${server.baseUrl}/api/v2/users/me/webhooks/${hook.id}/deliveries`, { headers: { "Coder-Session-Token": token } })).json();
      return l[0]?.status === "delivered" && l;
    });
    // One delivery, two attempts: the one cut short by the crash, and the one that went through.
    expect(log).toMatchObject([{ id: got.id, attempts: 1, status: "delivered" }]);
  }, 120_000);
});
