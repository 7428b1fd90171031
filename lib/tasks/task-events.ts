import "server-only";
import { canReadAll, type Caller } from "../auth/roles";
import { subscribeToTaskChanges } from "./change-feed";
import { openEventChannel } from "./event-channel";

/**
 * `GET /api/v2/task-events` (SSE): `task` `{"id"}` whenever a task the caller may see changes (any
 * of its own; every task for an admin), `resync` when changes may have been missed. It carries ids
 * only: the dashboard refetches what it shows, through the same routes and their access checks.
 */
export function streamTaskEvents(caller: Caller, signal: AbortSignal): ReadableStream<Uint8Array> {
  const seesAll = canReadAll(caller);
  return new ReadableStream({
    start(controller) {
      const channel = openEventChannel(controller, signal);
      if (channel.closed) return;
      channel.onClose(
        subscribeToTaskChanges(
          (change) => (seesAll || change.ownerId === caller.id) && channel.send("task", { id: change.taskId }),
          () => channel.send("resync", {}),
        ),
      );
      channel.write(": connected\n\n");
    },
  });
}
