import { ApiError } from "../api/errors";
import type { Db } from "../db/client";
import { countLiveStreamSlots, deleteStreamSlot, renewStreamSlots, takeStreamSlot } from "../db/queries/stream-slots";
import { env } from "../env";
import { logger } from "../logger";

/**
 * A place lives this long past its last renewal: how long a web server that died (kill -9, a lost
 * host) keeps its users' places taken. The server holding a place renews it three times as often.
 */
export const STREAM_SLOT_TTL_MS = 30_000;
const RENEW_EVERY_MS = STREAM_SLOT_TTL_MS / 3;

type Held = { places: Map<string, Db>; timer?: NodeJS.Timeout };
// Per web process (each route bundle may load this module; they must share the renewal).
const globalForStreams = globalThis as unknown as { taskyardStreamSlots?: Held };
const held: Held = (globalForStreams.taskyardStreamSlots ??= { places: new Map() });

/** Keeps this process's places alive while it holds any; one statement per database handle every 10 s. */
function renewWhileHeld() {
  if (held.timer || held.places.size === 0) return;
  held.timer = setInterval(() => {
    if (held.places.size === 0) {
      clearInterval(held.timer);
      held.timer = undefined;
      return;
    }
    const byDb = new Map<Db, string[]>();
    for (const [id, db] of held.places) byDb.set(db, [...(byDb.get(db) ?? []), id]);
    for (const [db, ids] of byDb) {
      renewStreamSlots(db, ids, STREAM_SLOT_TTL_MS).catch((err: unknown) => logger.warn({ err: err instanceof Error ? err.message : String(err) }, "renewing stream places failed"));
    }
  }, RENEW_EVERY_MS);
  held.timer.unref();
}

/**
 * Takes one of a user's live-stream places (TASKYARD_MAX_STREAMS_PER_USER) or refuses with a 429.
 * Every server-sent event stream takes one (the task-events feed, a log stream, an agent
 * pass-through): each holds a connection and a listener. The places are rows in the database
 * (`stream_slots`), so the limit holds across every web server on it. Returns the release, which
 * may be called any number of times.
 */
export async function acquireStreamSlot(db: Db, userId: string): Promise<() => Promise<void>> {
  const max = env().TASKYARD_MAX_STREAMS_PER_USER;
  const id = await db.transaction((tx) => takeStreamSlot(tx, { userId, max, ttlMs: STREAM_SLOT_TTL_MS }));
  if (!id) {
    throw ApiError.tooManyRequests(`A user may have at most ${max} live streams open at once.`, 5, "Close another tab or client that follows a task, then try again.");
  }
  held.places.set(id, db);
  renewWhileHeld();
  let released: Promise<void> | undefined;
  return () =>
    (released ??= (async () => {
      held.places.delete(id);
      // Should this fail (the database is away), the place expires by itself.
      await deleteStreamSlot(db, id).catch(() => {});
    })());
}

/** A user's live places, on every web server. */
export function openStreamCount(db: Db, userId: string): Promise<number> {
  return countLiveStreamSlots(db, userId);
}

/**
 * `stream`, passed through unchanged, calling `done` once it ends, fails, is cancelled by the
 * reader (the client went away) or `signal` aborts (or had already) — whichever comes first.
 */
export function onStreamEnd(stream: ReadableStream<Uint8Array>, done: () => unknown, signal?: AbortSignal): ReadableStream<Uint8Array> {
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
export async function callerEventStream(db: Db, callerId: string, signal: AbortSignal, open: () => ReadableStream<Uint8Array>): Promise<Response> {
  const release = await acquireStreamSlot(db, callerId);
  return new Response(onStreamEnd(open(), release, signal), { headers: EVENT_STREAM_HEADERS });
}
