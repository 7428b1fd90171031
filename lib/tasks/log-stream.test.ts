import { EventEmitter } from "node:events";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Db } from "../db/client";
import type { TaskRow } from "../db/queries/tasks";
import { streamTaskLogs } from "./log-stream";

// The real change feed, on a LISTEN that never connects: its emitter counts the streams' listeners.
vi.mock("../db/client", () => ({ rawSql: () => ({ listen: () => new Promise(() => {}) }) }));
const feedListeners = () => (globalThis as unknown as { taskyardTaskFeed?: EventEmitter }).taskyardTaskFeed?.listenerCount("change") ?? 0;

const task = { id: "7a1c3a7e-0000-4000-8000-000000000001", status: "pending", rich_parameter_values: [], cost_usd: "0", created_at: new Date(), updated_at: new Date() } as unknown as TaskRow;
/** A database whose every query fails the way a dropped connection does (not an ApiError). */
const failingDb = { select: () => ({ from: () => ({ where: () => Promise.reject(new Error("connection terminated unexpectedly")) }) }) } as unknown as Db;
const hangingDb = { select: () => ({ from: () => ({ where: () => new Promise(() => {}) }) }) } as unknown as Db;

describe("streamTaskLogs", () => {
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

  it("a failure reading the logs errors the stream and stops its heartbeat and change-feed listener", async () => {
    const stream = streamTaskLogs(failingDb, task, new AbortController().signal);
    await expect(new Response(stream).text()).rejects.toThrow("connection terminated unexpectedly");
    expect(listeners()).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("a request aborted before the stream was made ends it at once, and leaves nothing running", async () => {
    const stream = streamTaskLogs(hangingDb, task, AbortSignal.abort());
    expect(listeners()).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
    expect(await new Response(stream).text()).toBe("");
  });

  it("an abort while streaming ends it the same way", async () => {
    const abort = new AbortController();
    const stream = streamTaskLogs(hangingDb, task, abort.signal);
    expect(listeners()).toBe(1);
    abort.abort();
    expect(listeners()).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
    expect(await new Response(stream).text()).toMatch(/^event: task\n/);
  });
});
