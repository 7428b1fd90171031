import { describe, expect, it } from "vitest";
import { ApiError } from "../api/errors";
import { acquireStreamSlot, onStreamEnd, openStreamCount } from "./stream-slots";

describe("acquireStreamSlot", () => {
  it("allows TASKYARD_MAX_STREAMS_PER_USER per user, then 429 with Retry-After; a release frees one place, once", () => {
    const max = 20; // the default
    const releases = Array.from({ length: max }, () => acquireStreamSlot("u1"));
    expect(openStreamCount("u1")).toBe(max);
    let refused: unknown;
    try {
      acquireStreamSlot("u1");
    } catch (e) {
      refused = e;
    }
    expect(refused).toBeInstanceOf(ApiError);
    expect((refused as ApiError).status).toBe(429);
    expect((refused as ApiError).extra.headers?.["retry-after"]).toBeDefined();
    // Someone else is not affected.
    acquireStreamSlot("u2")();
    releases[0]();
    releases[0]();
    expect(openStreamCount("u1")).toBe(max - 1);
    acquireStreamSlot("u1");
    for (const release of releases) release();
    expect(openStreamCount("u1")).toBe(1);
  });
});

describe("onStreamEnd", () => {
  const source = (chunks: string[], fail?: Error) =>
    new ReadableStream<Uint8Array>({
      start(controller) {
        for (const c of chunks) controller.enqueue(new TextEncoder().encode(c));
        if (fail) controller.error(fail);
        else controller.close();
      },
    });

  it("passes the stream through and reports its end once", async () => {
    let ended = 0;
    const text = await new Response(onStreamEnd(source(["a", "b"]), () => ended++)).text();
    expect(text).toBe("ab");
    expect(ended).toBe(1);
  });

  it("reports a failure and a cancel by the reader", async () => {
    let ended = 0;
    await expect(new Response(onStreamEnd(source(["a"], new Error("gone")), () => ended++)).text()).rejects.toThrow("gone");
    expect(ended).toBe(1);
    const never = new ReadableStream<Uint8Array>({ pull: () => new Promise(() => {}) });
    const wrapped = onStreamEnd(never, () => ended++);
    await wrapped.cancel();
    expect(ended).toBe(2);
  });

  it("reports an aborted request", () => {
    let ended = 0;
    const abort = new AbortController();
    onStreamEnd(new ReadableStream({ pull: () => new Promise(() => {}) }), () => ended++, abort.signal);
    abort.abort();
    expect(ended).toBe(1);
  });
});

describe("onStreamEnd, when the client left before the stream was made", () => {
  it("frees the place at once: an already-aborted signal never fires, and no one reads or cancels the stream", () => {
    const release = acquireStreamSlot("early-leaver");
    onStreamEnd(new ReadableStream({ pull: () => new Promise(() => {}) }), release, AbortSignal.abort());
    expect(openStreamCount("early-leaver")).toBe(0);
  });
});
