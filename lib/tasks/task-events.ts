import "server-only";
import { canReadAll, type Caller } from "../auth/roles";
import { subscribeToTaskChanges } from "./change-feed";
import { openEventChannel } from "./event-channel";

/**
 * `GET /api/v2/task-events` (SSE): `task` `{"id", "owner_id"}` whenever a task the caller may see
 * changes (any of its own; every task for an admin), `resync` when changes may have been missed. It
 * carries ids only: the dashboard refetches what it shows, through the same routes and their access
 * checks. The owner lets it tell its user's own tasks from others' (browser notifications) without
 * asking.
 */
export function streamTaskEvents(caller: Caller, signal: AbortSignal): ReadableStream<Uint8Array> {
  const seesAll = canReadAll(caller);
  return new ReadableStream({
    start(controller) {
      const channel = openEventChannel(controller, signal);
      if (channel.closed) return;
      channel.onClose(
        subscribeToTaskChanges(
          (change) => (seesAll || change.ownerId === caller.id) && channel.send("task", { id: change.taskId, owner_id: change.ownerId }),
          () => channel.send("resync", {}),
        ),
      );
      channel.write(": connected\n\n");
    },
  });
}
