import { EventSourceParserStream } from "eventsource-parser/stream";
import { describe, expect, it } from "vitest";
import { baseUrl, createTestUser, echoTemplateVersion } from "../support/api";
import { waitForState } from "../support/runtime";

type Event = { event?: string; data: string };

describe("GET …/logs/stream (SSE)", () => {
  it("sends the task and its log, then each new entry and status change, and ends when the task pauses", async () => {
    const user = await createTestUser();
    const task = await user.client.createTask({ input: "stream me", template_version_id: await echoTemplateVersion() });
    await waitForState(user.client, task.id, "idle");

    const res = await fetch(`${baseUrl()}/api/v2/tasks/me/${task.name}/logs/stream`, { headers: { "Coder-Session-Token": user.token } });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    const reader = res.body!.pipeThrough(new TextDecoderStream()).pipeThrough(new EventSourceParserStream()).getReader();
    const events: Event[] = [];
    const until = async (predicate: (e: Event) => boolean, timeoutMs = 10_000) => {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        const { value, done } = await reader.read();
        if (done) return undefined;
        events.push(value);
        if (predicate(value)) return value;
      }
      throw new Error(`no such event; got ${events.map((e) => e.event).join(",")}`);
    };

    const first = await until((e) => e.event === "task");
    expect(JSON.parse(first!.data).status).toBe("active");
    const logs = await until((e) => e.event === "logs");
    expect(JSON.parse(logs!.data).logs.map((l: { content: string }) => l.content)).toEqual(["stream me", "You said: stream me"]);

    await user.client.send("me", task.id, "live please");
    const reply = await until((e) => e.event === "log" && JSON.parse(e.data).content === "You said: live please");
    expect(JSON.parse(reply!.data)).toMatchObject({ type: "output" });

    await user.client.pause("me", task.id);
    const paused = await until((e) => e.event === "task" && JSON.parse(e.data).status === "paused");
    expect(paused).toBeTruthy();
    const snapshot = await until((e) => e.event === "logs");
    expect(JSON.parse(snapshot!.data)).toMatchObject({ snapshot: true });
    expect(await until(() => false)).toBeUndefined(); // the stream ends
  });

  it("is a 404 for someone else's task and a 401 without a token", async () => {
    const owner = await createTestUser();
    const stranger = await createTestUser();
    const task = await owner.client.createTask({ input: "private", template_version_id: await echoTemplateVersion() });
    const url = `${baseUrl()}/api/v2/tasks/${owner.username}/${task.id}/logs/stream`;
    expect((await fetch(url, { headers: { "Coder-Session-Token": stranger.token } })).status).toBe(404);
    expect((await fetch(url)).status).toBe(401);
    expect((await fetch(url.replace("/v2/", "/experimental/"), { headers: { "Coder-Session-Token": stranger.token } })).status).toBe(404);
  });
});
