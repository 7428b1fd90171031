"use client";

import { useSyncExternalStore } from "react";

/** How often lists and tasks are re-read while the event stream is down (and only then). */
export const FALLBACK_POLL_MS = 15_000;

let connected = false;
const watchers = new Set<() => void>();
export function setConnected(value: boolean) {
  if (value === connected) return;
  connected = value;
  watchers.forEach((w) => w());
}

/** Whether the dashboard hears about changes as they happen (and need not poll). */
export function useTaskEventsConnected(): boolean {
  return useSyncExternalStore(
    (watch) => {
      watchers.add(watch);
      return () => watchers.delete(watch);
    },
    () => connected,
    () => false,
  );
}

/** The refetch interval for a query the event stream keeps fresh: none while it is up. */
export function usePollWhileDisconnected(): number | false {
  return useTaskEventsConnected() ? false : FALLBACK_POLL_MS;
}

