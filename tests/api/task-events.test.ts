import { EventSourceParserStream, type EventSourceMessage } from "eventsource-parser/stream";
import { describe, expect, it } from "vitest";
import { inject } from "vitest";
import { baseUrl, createTestUser, echoTemplateVersion, raw } from "../support/api";

/** A live `GET /api/v2/task-events` stream and the ids it has announced so far. */
async function listen(token: string) {
  const abort = new AbortController();
  const res = await fetch(`${baseUrl()}/api/v2/task-events`, { headers: { "Coder-Session-Token": token }, signal: abort.signal });
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toBe("text/event-stream");
  const events: EventSourceMessage[] = [];
  void (async () => {
    const reader = res.body!.pipeThrough(new TextDecoderStream()).pipeThrough(new EventSourceParserStream()).getReader();
    for (;;) {
      const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
      if (done) return;
      events.push(value!);
    }
  })();
  const announced = () => events.filter((e) => e.event === "task").map((e) => JSON.parse(e.data) as { id: string; owner_id: string });
  const ids = () => announced().map((e) => e.id);
  return { ids, announced, close: () => abort.abort() };
}

const eventually = async (check: () => void, ms = 5000) => {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      return check();
    } catch (e) {
      if (Date.now() > deadline) throw e;
      await new Promise((r) => setTimeout(r, 25));
    }
  }
};

describe("GET /api/v2/task-events", () => {
  it("announces each change to the caller's own tasks at once, and never another member's", async () => {
    const [alice, bob] = await Promise.all([createTestUser(), createTestUser()]);
    const aliceEvents = await listen(alice.token);
    const bobEvents = await listen(bob.token);
    try {
      const version = await echoTemplateVersion();
      const mine = await alice.client.createTask({ input: "watch me", template_version_id: version });
      await eventually(() => expect(aliceEvents.ids()).toContain(mine.id));
      const before = aliceEvents.ids().length;
      expect((await raw("PATCH", `/api/v2/tasks/me/${mine.id}/input`, { token: alice.token, body: { input: "edited" } })).status).toBeLessThan(500);
      await alice.client.deleteTask("me", mine.id);
      await eventually(() => expect(aliceEvents.ids().length).toBeGreaterThan(before));

      const theirs = await bob.client.createTask({ input: "not for alice", template_version_id: version });
      await eventually(() => expect(bobEvents.ids()).toContain(theirs.id));
      expect(aliceEvents.ids()).not.toContain(theirs.id);
      expect(bobEvents.ids()).not.toContain(mine.id);
    } finally {
      aliceEvents.close();
      bobEvents.close();
    }
  });

  it("tells an admin about everyone's tasks, each with its owner (so the dashboard can tell its user's own apart)", async () => {
    const [admin, carol] = await Promise.all([createTestUser("admin"), createTestUser()]);
    const adminEvents = await listen(admin.token);
    const ownerEvents = await listen(inject("ownerToken"));
    try {
      const task = await carol.client.createTask({ input: "seen by admins", template_version_id: await echoTemplateVersion() });
      await eventually(() => expect(adminEvents.ids()).toContain(task.id));
      await eventually(() => expect(ownerEvents.ids()).toContain(task.id));
      const owners = new Set(adminEvents.announced().filter((e) => e.id === task.id).map((e) => e.owner_id));
      expect([...owners]).toEqual([carol.id]);
    } finally {
      adminEvents.close();
      ownerEvents.close();
    }
  });

  it("is 401 without a session, in the API's error shape", async () => {
    const res = await raw("GET", "/api/v2/task-events");
    expect(res.status).toBe(401);
    expect(res.body.message).toBeTruthy();
  });
});
