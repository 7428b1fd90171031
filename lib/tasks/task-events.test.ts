import { EventEmitter } from "node:events";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Caller } from "../auth/roles";
import { streamTaskEvents } from "./task-events";

// The real change feed, on a LISTEN that never connects: its emitter counts the streams' listeners.
vi.mock("../db/client", () => ({ rawSql: () => ({ listen: () => new Promise(() => {}) }) }));
const feedListeners = () => (globalThis as unknown as { taskyardTaskFeed?: EventEmitter }).taskyardTaskFeed?.listenerCount("change") ?? 0;

const caller: Caller = { id: "u1", username: "u1", email: "u1@example.com", role: "member", apiKeyId: "k1" };

describe("streamTaskEvents", () => {
  // Each test counts only what it added itself.
  let listeners: () => number;
  beforeEach(() => {
    vi.useFakeTimers();
    const before = feedListeners();
    listeners = () => feedListeners() - before;
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("a request aborted before the stream was made ends it at once, and leaves nothing running", async () => {
    const stream = streamTaskEvents(caller, AbortSignal.abort());
    expect(listeners()).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
    expect(await new Response(stream).text()).toBe("");
  });

  it("an abort while streaming ends it the same way", async () => {
    const abort = new AbortController();
    const stream = streamTaskEvents(caller, abort.signal);
    expect(listeners()).toBe(1);
    expect(vi.getTimerCount()).toBe(1);
    abort.abort();
    expect(listeners()).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
    expect(await new Response(stream).text()).toBe(": connected\n\n");
  });
});
