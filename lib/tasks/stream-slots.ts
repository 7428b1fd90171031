import { ApiError } from "../api/errors";
import { env } from "../env";

// Per web process (each route bundle may load this module; they must share the count).
const globalForStreams = globalThis as unknown as { taskyardOpenStreams?: Map<string, number> };
const open = (globalForStreams.taskyardOpenStreams ??= new Map<string, number>());

/**
 * Takes one of a user's live-stream places (TASKYARD_MAX_STREAMS_PER_USER) or refuses with a 429.
 * Every server-sent event stream takes one (the task-events feed, a log stream, an agent
 * pass-through): each holds a connection and a listener. Returns the release, which may be called
 * any number of times.
 */
export function acquireStreamSlot(userId: string): () => void {
  const max = env().TASKYARD_MAX_STREAMS_PER_USER;
  const count = open.get(userId) ?? 0;
  if (count >= max) {
    throw ApiError.tooManyRequests(`A user may have at most ${max} live streams open at once.`, 5, "Close another tab or client that follows a task, then try again.");
  }
  open.set(userId, count + 1);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    const left = (open.get(userId) ?? 1) - 1;
    if (left > 0) open.set(userId, left);
    else open.delete(userId);
  };
}

export function openStreamCount(userId: string): number {
  return open.get(userId) ?? 0;
}

/**
 * `stream`, passed through unchanged, calling `done` once it ends, fails, is cancelled by the
 * reader (the client went away) or `signal` aborts (or had already) — whichever comes first.
 */
export function onStreamEnd(stream: ReadableStream<Uint8Array>, done: () => void, signal?: AbortSignal): ReadableStream<Uint8Array> {
  const reader = stream.getReader();
  signal?.addEventListener("abort", done, { once: true });
  // Already aborted (the client left while the request was still being authenticated): the
  // listener never fires, and nothing will read or cancel a response nobody receives.
  if (signal?.aborted) done();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const next = await reader.read();
        if (next.done) {
          done();
          controller.close();
        } else controller.enqueue(next.value);
      } catch (error) {
        done();
        controller.error(error);
      }
    },
    cancel(reason) {
      done();
      return reader.cancel(reason);
    },
  });
}

/** How every server-sent event stream of the API is answered: never cached, never buffered by a proxy. */
const EVENT_STREAM_HEADERS = { "content-type": "text/event-stream", "cache-control": "no-cache, no-transform", "x-accel-buffering": "no" };

/**
 * A caller's event stream: it takes one of their places first (429 past the limit, before `open`
 * starts anything) and gives it back when the stream ends, however it ends.
 */
export function callerEventStream(callerId: string, signal: AbortSignal, open: () => ReadableStream<Uint8Array>): Response {
  const release = acquireStreamSlot(callerId);
  return new Response(onStreamEnd(open(), release, signal), { headers: EVENT_STREAM_HEADERS });
}
