"use client";

/**
 * What the dashboard's event stream (useTaskEvents) heard, passed on to whoever else follows it in
 * the page (browser notifications), so the page holds one stream and nothing polls. A batch is one
 * coalesced burst: the tasks that changed, and whether changes may have been missed (the stream
 * (re)opened, or the server said so).
 */
export type TaskChangeBatch = { changed: { id: string; ownerId: string }[]; missed: boolean };

const listeners = new Set<(batch: TaskChangeBatch) => void>();

export function announceTaskChanges(batch: TaskChangeBatch) {
  listeners.forEach((listen) => listen(batch));
}

/** Calls `listen` after each burst of changes; returns the unsubscribe. */
export function onTaskChanges(listen: (batch: TaskChangeBatch) => void): () => void {
  listeners.add(listen);
  return () => listeners.delete(listen);
}
