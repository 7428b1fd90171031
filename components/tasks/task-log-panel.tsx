"use client";

import { ArrowDown, CircleAlert } from "lucide-react";
import { useLayoutEffect, useMemo, useRef, useState } from "react";
import type { LogEntry, Task, TaskLogs } from "@/lib/sdk/client";
import type { StreamState } from "@/hooks/use-task-log-stream";
import { Button } from "@/components/ui/button";
import { Skeleton } from "@/components/ui/skeleton";
import { formatClock, formatTimestamp } from "@/components/ui/format-time";
import { Markdown } from "./markdown";
import { SnapshotTag } from "./snapshot-tag";
import { ToolCallSourceContext } from "./tool-call";

/** How close to the bottom (px) still counts as "following" the conversation. */
const FOLLOW_SLACK = 48;

/** Workspace states with a build in flight; an `unknown` task in one of them is only stopping or starting. */
const CHANGING = new Set(["pending", "starting", "stopping", "deleting", "canceling"]);

export function TaskLogPanel({ task, logs, stream }: { task: Task; logs: TaskLogs | undefined; stream: StreamState }) {
  const changing = task.status === "unknown" && CHANGING.has(task.workspace_status ?? "");
  const unavailable = task.status === "error" || (task.status === "unknown" && !changing);
  const scroller = useRef<HTMLDivElement>(null);
  const following = useRef(true);
  const [unseen, setUnseen] = useState(false);
  const entries = logs?.logs;
  const last = entries?.at(-1);
  const shape = entries ? `${entries.length}:${last?.id}:${last?.content.length}` : "";

  // Auto-scroll while the reader is at the bottom; once they scroll up, new entries wait for them.
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el || !shape) return;
    if (following.current) el.scrollTop = el.scrollHeight;
    else setUnseen(true);
  }, [shape]);

  const jumpToLatest = () => {
    const el = scroller.current;
    if (!el) return;
    following.current = true;
    setUnseen(false);
    el.scrollTo({ top: el.scrollHeight });
  };

  return (
    <section aria-labelledby="log-heading" className="flex min-h-0 flex-col rounded-xl border border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900">
      <div className="flex items-center justify-between gap-2 border-b border-zinc-200 px-4 py-2.5 dark:border-zinc-800">
        <h2 id="log-heading" className="text-sm font-semibold">
          Conversation
        </h2>
        <SourceTag logs={logs} stream={stream} unavailable={unavailable} changing={changing} task={task} />
      </div>
      {unavailable && (
        <div
          role="status"
          className={`flex gap-2 border-b border-zinc-200 px-4 py-3 text-sm dark:border-zinc-800 ${
            task.status === "error"
              ? "bg-red-50 text-red-900 dark:bg-red-950/30 dark:text-red-200"
              : "bg-orange-50 text-orange-900 dark:bg-orange-950/30 dark:text-orange-200"
          }`}
        >
          <CircleAlert aria-hidden className="mt-0.5 size-4 shrink-0" />
          <p>
            {task.status === "error"
              ? "Logs are not available: the task’s agent or workspace failed, so there is no agent to read the conversation from. Resume the task to start it again."
              : "Logs are not available: the task’s state is unknown (its agent is shutting down or not reporting). Resume the task to start it again."}
            {entries && entries.length > 0 ? " Below is the conversation as last seen." : ""}
          </p>
        </div>
      )}
      <div className="relative">
        <div
          ref={scroller}
          role="log"
          aria-label="Conversation log"
          tabIndex={0}
          onScroll={(e) => {
            const el = e.currentTarget;
            following.current = el.scrollHeight - el.scrollTop - el.clientHeight <= FOLLOW_SLACK;
            if (following.current) setUnseen(false);
          }}
          className="h-[min(28rem,60dvh)] overflow-y-auto px-4 py-3"
        >
          {!entries ? (
            unavailable ? null : <LogSkeleton />
          ) : entries.length === 0 ? (
            <p className="py-8 text-center text-sm text-zinc-500 dark:text-zinc-400">
              {task.status === "pending" || task.status === "initializing"
                ? "The conversation starts once the agent is up."
                : "No messages yet."}
            </p>
          ) : (
            <ol className="flex flex-col gap-3">
              {entries.map((entry) => (
                <LogMessage key={entry.id} entry={entry} owner={task.owner_name} taskRef={task.id} />
              ))}
            </ol>
          )}
        </div>
        {unseen && (
          <Button size="sm" className="absolute bottom-3 left-1/2 -translate-x-1/2 shadow-md" onClick={jumpToLatest}>
            <ArrowDown aria-hidden className="size-3.5" />
            New messages
          </Button>
        )}
      </div>
    </section>
  );
}

function LogMessage({ entry, owner, taskRef }: { entry: LogEntry; owner: string; taskRef: string }) {
  const mine = entry.type === "input";
  // The entry's tool lines open to their calls; a growing entry is a new version of them.
  const source = useMemo(() => ({ owner, taskRef, logId: entry.id, version: `${entry.content.length}` }), [owner, taskRef, entry.id, entry.content.length]);
  return (
    <li data-testid="log-entry" data-type={entry.type} className={`flex flex-col gap-1 ${mine ? "items-end" : "items-start"}`}>
      <div className="flex items-center gap-2 text-xs text-zinc-500 dark:text-zinc-400">
        <span className="font-medium">{mine ? "You" : "Agent"}</span>
        <time dateTime={entry.time} title={formatTimestamp(entry.time)}>
          {formatClock(entry.time)}
        </time>
      </div>
      {mine ? (
        // What the user typed, exactly as typed.
        <div className="max-w-[min(40rem,92%)] rounded-lg bg-zinc-900 px-3 py-2 font-mono text-[13px] leading-relaxed break-words whitespace-pre-wrap text-zinc-50 dark:bg-zinc-200 dark:text-zinc-900">
          {entry.content}
        </div>
      ) : (
        // The agent's Markdown, sanitised: never interpreted as HTML.
        <div className="max-w-[min(40rem,92%)] min-w-0 rounded-lg bg-zinc-100 px-3 py-2 text-sm leading-relaxed break-words text-zinc-900 dark:bg-zinc-800 dark:text-zinc-100">
          <ToolCallSourceContext.Provider value={source}>
            <Markdown>{entry.content}</Markdown>
          </ToolCallSourceContext.Provider>
        </div>
      )}
    </li>
  );
}

type SourceTagProps = { logs: TaskLogs | undefined; stream: StreamState; unavailable: boolean; changing: boolean; task: Task };

function SourceTag({ logs, stream, unavailable, changing, task }: SourceTagProps) {
  if (unavailable) {
    return <span className="rounded-full bg-orange-100 px-2 py-0.5 text-xs font-medium text-orange-800 dark:bg-orange-950/50 dark:text-orange-300">Unavailable</span>;
  }
  if (changing) {
    return (
      <span data-testid="log-source" className="rounded-full bg-zinc-100 px-2 py-0.5 text-xs font-medium text-zinc-600 dark:bg-zinc-800 dark:text-zinc-400">
        {task.workspace_status === "starting" ? "Workspace starting…" : "Workspace stopping…"}
      </span>
    );
  }
  if (!logs) return null;
  if (logs.snapshot) return <SnapshotTag at={logs.snapshot_at} testId="log-source" />;
  const live = stream === "open" && task.status === "active";
  return (
    <span
      data-testid="log-source"
      className={`inline-flex items-center gap-1.5 rounded-full px-2 py-0.5 text-xs font-medium ${
        live ? "bg-green-100 text-green-800 dark:bg-green-950/50 dark:text-green-300" : "bg-zinc-100 text-zinc-600 dark:bg-zinc-800 dark:text-zinc-400"
      }`}
    >
      <span aria-hidden className="relative flex size-2">
        {live && <span className="absolute inline-flex size-full animate-ping rounded-full bg-green-500 opacity-75 motion-reduce:animate-none" />}
        <span className={`relative inline-flex size-2 rounded-full ${live ? "bg-green-500" : "bg-zinc-400"}`} />
      </span>
      {live ? "Live" : "Reconnecting…"}
    </span>
  );
}

function LogSkeleton() {
  return (
    <div aria-busy="true" aria-label="Loading conversation" className="flex flex-col gap-4">
      <Skeleton className="ml-auto h-10 w-2/3 rounded-lg" />
      <Skeleton className="h-14 w-3/4 rounded-lg" />
      <Skeleton className="ml-auto h-8 w-1/2 rounded-lg" />
    </div>
  );
}
