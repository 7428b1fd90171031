"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import type { LogEntry, TaskInput, TaskLogs, TaskStatus } from "@/lib/sdk/client";
import { api } from "./api-client";
import { STREAMING_STATUSES, type LiveTask } from "./use-task";
import { taskKeys } from "./use-tasks";

export type StreamState = "connecting" | "open" | "closed";

function upsert(logs: LogEntry[], entry: LogEntry): LogEntry[] {
  const i = logs.findIndex((l) => l.id === entry.id);
  if (i === -1) return [...logs, entry].sort((a, b) => a.id - b.id);
  const next = logs.slice();
  next[i] = entry;
  return next;
}

/**
 * Follows `GET …/logs/stream` (SSE): `task` events refresh the task, `logs` replaces the
 * conversation (on connect and when its source switches between live and snapshot) and `log`
 * upserts one entry, `inputs` replaces the queued follow-ups. The server ends the stream when the task pauses or fails; it is opened again
 * once the task's status (polled meanwhile) is pending, initializing or active.
 */
export function useTaskLogStream(owner: string, task: string, status: TaskStatus | undefined, { enabled = true } = {}): StreamState {
  const qc = useQueryClient();
  const [state, setState] = useState<StreamState>("connecting");
  const [ended, setEnded] = useState(false);
  const [attempt, setAttempt] = useState(0);
  const failures = useRef(0);
  const statusRef = useRef(status);
  useEffect(() => {
    statusRef.current = status;
  }, [status]);

  // Before the first connection the status may be unknown: connect anyway, the stream says it.
  const wanted = enabled && (!ended || (status !== undefined && STREAMING_STATUSES.has(status)));

  useEffect(() => {
    if (!wanted) return;
    const taskKey = taskKeys.one(owner, task);
    const logsKey = taskKeys.logs(owner, task);
    const source = new EventSource(api.logStreamUrl(owner, task));
    let retry: ReturnType<typeof setTimeout> | undefined;

    source.onopen = () => {
      failures.current = 0;
      setState("open");
    };
    source.addEventListener("task", (e) => {
      const next = JSON.parse((e as MessageEvent<string>).data) as LiveTask;
      statusRef.current = next.status;
      qc.setQueryData<LiveTask>(taskKey, next);
    });
    source.addEventListener("logs", (e) => {
      qc.setQueryData<TaskLogs>(logsKey, JSON.parse((e as MessageEvent<string>).data) as TaskLogs);
    });
    source.addEventListener("inputs", (e) => {
      qc.setQueryData(taskKeys.inputs(owner, task), JSON.parse((e as MessageEvent<string>).data) as { inputs: TaskInput[] });
    });
    source.addEventListener("log", (e) => {
      const entry = JSON.parse((e as MessageEvent<string>).data) as LogEntry;
      qc.setQueryData<TaskLogs>(logsKey, (old) => ({ logs: upsert(old?.logs ?? [], entry) }));
    });
    source.onerror = () => {
      // The server ended the stream (task paused, failed or deleted) or the connection dropped.
      source.close();
      setState("closed");
      setEnded(true);
      const current = statusRef.current;
      const deleted = qc.getQueryData<LiveTask>(taskKey)?.deleted;
      if (!deleted && current && STREAMING_STATUSES.has(current)) {
        const delay = Math.min(500 * 2 ** failures.current++, 10_000);
        retry = setTimeout(() => setAttempt((n) => n + 1), delay);
      }
    };
    return () => {
      clearTimeout(retry);
      setState("connecting"); // the next connection (if any) starts from scratch
      source.close();
    };
    // `attempt` re-runs this effect to reconnect; the rest identify the stream.
  }, [owner, task, wanted, attempt, qc]);

  return wanted ? state : "closed";
}
