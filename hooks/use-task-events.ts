"use client";

import { useQueryClient, type QueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import type { Task } from "@/lib/sdk/client";
import { announceTaskChanges } from "./task-changes";
import { setConnected } from "./task-events-connection";
import { taskKeys } from "./use-tasks";

const EVENTS_URL = "/api/v2/task-events";
/** Changes come in bursts (a build touches a task several times): one refetch per burst. */
const COALESCE_MS = 150;

/**
 * Reads again, from now: a read still in flight may have been answered before the change was made
 * (the page's first list, preloaded while its scripts loaded, is the usual one), and a refetch of a
 * query without data joins that read instead of starting a new one. So it is cancelled first.
 */
function readAgain(qc: QueryClient, queryKey: readonly unknown[]) {
  void qc.cancelQueries({ queryKey, exact: true }).then(() => qc.invalidateQueries({ queryKey, exact: true }));
}

/** Re-reads what shows these tasks: every list, and each open task (its page, log and changes). */
function refresh(qc: QueryClient, ids: Set<string> | "all") {
  for (const query of qc.getQueryCache().findAll({ queryKey: taskKeys.all })) readAgain(qc, query.queryKey);
  for (const query of qc.getQueryCache().findAll({ queryKey: ["task"] })) {
    const task = query.state.data as Task | undefined;
    // Without data its id is unknown yet: read again only if its first read is in flight.
    if (ids !== "all" && (task ? !ids.has(task.id) : query.state.fetchStatus !== "fetching")) continue;
    const [, owner, name] = query.queryKey as [string, string, string];
    for (const key of [taskKeys.one(owner, name), taskKeys.logs(owner, name), taskKeys.changes(owner, name)]) readAgain(qc, key);
  }
}

/**
 * The dashboard's one connection to `GET /api/v2/task-events` (mounted once, in its layout): each
 * change to a task the user may see refreshes what shows it, so an idle tab makes no requests.
 * When the stream drops it reconnects with backoff (1 s doubling to 30 s), polling slowly meanwhile,
 * and catches up on what it missed once it is (back) open.
 */
export function useTaskEvents() {
  const qc = useQueryClient();
  useEffect(() => {
    let source: EventSource | undefined;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let flush: ReturnType<typeof setTimeout> | undefined;
    let failures = 0;
    /** Changed task id → its owner's id. */
    let pending = new Map<string, string>();
    let pendingAll = false;

    const flushNow = () => {
      clearTimeout(flush);
      flush = undefined;
      refresh(qc, pendingAll ? "all" : new Set(pending.keys()));
      announceTaskChanges({ changed: [...pending].map(([id, ownerId]) => ({ id, ownerId })), missed: pendingAll });
      pending = new Map();
      pendingAll = false;
    };
    const schedule = (change?: { id: string; owner_id: string }) => {
      if (change) pending.set(change.id, change.owner_id);
      else pendingAll = true;
      flush ??= setTimeout(flushNow, COALESCE_MS);
    };

    const connect = () => {
      source = new EventSource(EVENTS_URL);
      // Whatever changed before the stream was open (while the page loaded, or while it was down)
      // was not announced: once open, what is shown is read again.
      // Read again first, then say the stream is up: a query that waits for the stream (the tab's
      // waiting count) then makes its one request, already covered by the stream.
      source.onopen = () => {
        failures = 0;
        pendingAll = true;
        flushNow();
        setConnected(true);
      };
      source.addEventListener("task", (e) => schedule(JSON.parse((e as MessageEvent<string>).data) as { id: string; owner_id: string }));
      source.addEventListener("resync", () => schedule());
      source.onerror = () => {
        source?.close();
        setConnected(false);
        retry = setTimeout(connect, Math.min(30_000, 1000 * 2 ** failures++));
      };
    };
    connect();
    return () => {
      source?.close();
      clearTimeout(retry);
      clearTimeout(flush);
      setConnected(false);
    };
  }, [qc]);
}
