import { describe, expect, it } from "vitest";
import type { TaskResponse } from "../tasks/serialize";
import { renderWebhookBody } from "./render";

const task = {
  id: "7d0c7c3e-7a0a-4f61-9f0e-2b9d3f7f0a11",
  name: "fix-login",
  display_name: "Fix <!channel> & the login",
  owner_name: "alice",
  current_state: { state: "idle", message: "Which <b>branch</b>?", timestamp: null, uri: "" },
  pull_request: { provider: "github", url: "https://github.com/acme/app/pull/7", number: 7, state: "open", draft: false },
} as unknown as TaskResponse;
const at = new Date("2026-12-07T09:00:00.000Z");
const base = "https://taskyard.example.com/";

describe("webhook bodies", () => {
  it("json: {type, timestamp, data: <Task>}", () => {
    expect(JSON.parse(renderWebhookBody({ format: "json", event: "task.idle", occurredAt: at, task, baseUrl: base }))).toEqual({ type: "task.idle", timestamp: "2026-12-07T09:00:00.000Z", data: task });
  });

  it("slack: says what happened with a link, and escapes the task's own words", () => {
    const { text } = JSON.parse(renderWebhookBody({ format: "slack", event: "task.idle", occurredAt: at, task, baseUrl: base }));
    expect(text).toBe("Task “Fix &lt;!channel&gt; &amp; the login” (alice) is waiting for input: Which &lt;b&gt;branch&lt;/b&gt;?\nhttps://taskyard.example.com/tasks/alice/fix-login");
    const pr = JSON.parse(renderWebhookBody({ format: "slack", event: "task.pull_request", occurredAt: at, task, baseUrl: base })).text;
    expect(pr).toContain("opened a pull request. https://github.com/acme/app/pull/7");
    const deleted = JSON.parse(renderWebhookBody({ format: "slack", event: "task.deleted", occurredAt: at, task, baseUrl: base })).text;
    expect(deleted).toBe("Task “Fix &lt;!channel&gt; &amp; the login” (alice) was deleted.");
  });

  it("a test delivery in either format", () => {
    expect(JSON.parse(renderWebhookBody({ format: "json", event: "webhook.test", occurredAt: at, task: null, baseUrl: base }))).toEqual({ type: "webhook.test", timestamp: "2026-12-07T09:00:00.000Z", data: { message: "A test delivery from Taskyard." } });
    expect(JSON.parse(renderWebhookBody({ format: "slack", event: "webhook.test", occurredAt: at, task: null, baseUrl: base })).text).toMatch(/^A test delivery from Taskyard/);
  });
});
