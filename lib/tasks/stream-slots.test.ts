import { describe, expect, it } from "vitest";
import { onStreamEnd } from "./stream-slots";

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
  it("reports the end at once: an already-aborted signal never fires, and no one reads or cancels the stream", () => {
    let ended = 0;
    onStreamEnd(new ReadableStream({ pull: () => new Promise(() => {}) }), () => ended++, AbortSignal.abort());
    expect(ended).toBe(1);
  });
});
