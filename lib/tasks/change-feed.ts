import "server-only";
import { EventEmitter } from "node:events";
import { rawSql } from "../db/client";
import { logger } from "../logger";

/** The channel the database triggers notify (drizzle/0005_task_change_notify.sql). */
const CHANNEL = "task_changes";

export type TaskChange = { taskId: string; ownerId: string };
type Events = { change: [TaskChange]; resync: [] };

const globalForFeed = globalThis as unknown as { taskyardTaskFeed?: EventEmitter<Events> };

/**
 * One LISTEN per web process, fanned out to every stream in it. After the listening connection
 * comes back (the database restarted) notifications may have been missed: `resync` tells
 * subscribers to refetch what they show.
 */
function feed(): EventEmitter<Events> {
  if (globalForFeed.taskyardTaskFeed) return globalForFeed.taskyardTaskFeed;
  const emitter = new EventEmitter<Events>().setMaxListeners(0);
  globalForFeed.taskyardTaskFeed = emitter;
  let listening = false;
  rawSql()
    .listen(
      CHANNEL,
      (payload) => {
        const { t, o } = JSON.parse(payload) as { t: string; o: string };
        emitter.emit("change", { taskId: t, ownerId: o });
      },
      () => {
        if (listening) emitter.emit("resync");
        listening = true;
      },
    )
    .catch((err: unknown) => {
      // Not listening at all: forget this feed, so the next subscriber tries again.
      logger.warn({ err: err instanceof Error ? err.message : String(err) }, "cannot listen for task changes");
      globalForFeed.taskyardTaskFeed = undefined;
      emitter.emit("resync");
    });
  return emitter;
}

/** Calls `onChange` for every committed change to a task, `onResync` when some may have been missed. */
export function subscribeToTaskChanges(onChange: (change: TaskChange) => void, onResync: () => void): () => void {
  const emitter = feed();
  emitter.on("change", onChange);
  emitter.on("resync", onResync);
  return () => {
    emitter.off("change", onChange);
    emitter.off("resync", onResync);
  };
}

/**
 * Follows one task: `changed()` resolves once the task has changed (or a resync) since the last
 * call, or after `timeoutMs` at the latest. Subscribed from the start, so a change that lands
 * between two reads is never missed.
 */
export function watchTask(taskId: string): { changed: (timeoutMs: number) => Promise<void>; close: () => void } {
  let dirty = false;
  let wake: (() => void) | undefined;
  const mark = () => {
    dirty = true;
    wake?.();
  };
  const unsubscribe = subscribeToTaskChanges((c) => c.taskId === taskId && mark(), mark);
  return {
    changed: (timeoutMs) =>
      new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          wake = undefined;
          dirty = false;
          resolve();
        };
        const timer = setTimeout(done, timeoutMs);
        wake = done;
        if (dirty) done();
      }),
    close: () => {
      unsubscribe();
      wake?.();
    },
  };
}
