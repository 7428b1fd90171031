import "server-only";
import { canReadAll, type Caller } from "../auth/roles";
import { subscribeToTaskChanges } from "./change-feed";

const HEARTBEAT_MS = 15_000;

/**
 * `GET /api/v2/task-events` (SSE): `task` `{"id"}` whenever a task the caller may see changes (any
 * of its own; every task for an admin), `resync` when changes may have been missed. It carries ids
 * only: the dashboard refetches what it shows, through the same routes and their access checks.
 */
export function streamTaskEvents(caller: Caller, signal: AbortSignal): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const seesAll = canReadAll(caller);
  return new ReadableStream({
    start(controller) {
      const write = (text: string) => {
        try {
          controller.enqueue(encoder.encode(text));
        } catch {
          close();
        }
      };
      const unsubscribe = subscribeToTaskChanges(
        (change) => (seesAll || change.ownerId === caller.id) && write(`event: task\ndata: ${JSON.stringify({ id: change.taskId })}\n\n`),
        () => write("event: resync\ndata: {}\n\n"),
      );
      const heartbeat = setInterval(() => write(": keep-alive\n\n"), HEARTBEAT_MS);
      let closed = false;
      function close() {
        if (closed) return;
        closed = true;
        unsubscribe();
        clearInterval(heartbeat);
        try {
          controller.close();
        } catch {}
      }
      signal.addEventListener("abort", close);
      // Already aborted (the client left during authentication): the listener never fires, and no
      // one will ever read or cancel this stream.
      if (signal.aborted) return close();
      write(": connected\n\n");
    },
  });
}
