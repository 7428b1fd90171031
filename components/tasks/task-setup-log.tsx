"use client";

import { ChevronRight } from "lucide-react";
import { useId, useLayoutEffect, useRef, useState } from "react";
import type { TaskSetupLog as SetupLog } from "@/lib/sdk/client";
import { formatDuration } from "@/components/ui/format-time";
import { useNow } from "@/hooks/use-now";

/** How close to the bottom (px) still counts as following the output. */
const FOLLOW_SLACK = 24;

/** What the header says of a run, e.g. "Running · 12 s", "Failed · exit code 3". */
export function setupSummary(log: SetupLog, now: number | null): string {
  const end = log.finished_at ? Date.parse(log.finished_at) : now;
  const took = end != null ? ` · ${formatDuration(end - Date.parse(log.started_at))}` : "";
  switch (log.status) {
    case "running":
      return `Running${took}`;
    case "succeeded":
      return `Done${took}`;
    case "failed":
      return `Failed · exit code ${log.exit_code ?? "none"}${took}`;
    case "timed_out":
      return `Killed after its ${log.timeout_seconds} s limit`;
  }
}

const TONE: Record<SetupLog["status"], string> = {
  running: "text-blue-700 dark:text-blue-300",
  succeeded: "text-green-700 dark:text-green-400",
  failed: "text-red-700 dark:text-red-400",
  timed_out: "text-red-700 dark:text-red-400",
};

/**
 * The "Setting up" stage's output: the template's setup script as it runs (read again every second
 * meanwhile) and as it ended. Open while it runs or after it failed; folded once it succeeded,
 * unless the reader opened it. The output is text, never markup.
 */
export function TaskSetupLog({ log }: { log: SetupLog }) {
  const [chosen, setChosen] = useState<boolean | null>(null);
  const open = chosen ?? log.status !== "succeeded";
  const now = useNow();
  const bodyId = useId();
  const scroller = useRef<HTMLPreElement>(null);
  const following = useRef(true);

  // Follows the output while the reader is at its end, as a terminal would.
  useLayoutEffect(() => {
    const el = scroller.current;
    if (el && following.current) el.scrollTop = el.scrollHeight;
  }, [log.output, open]);

  return (
    <section aria-labelledby={`${bodyId}-heading`} data-testid="setup-log" data-status={log.status} className="rounded-xl border border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900">
      <h2 id={`${bodyId}-heading`} className="text-sm font-semibold">
        <button
          type="button"
          aria-expanded={open}
          aria-controls={bodyId}
          onClick={() => setChosen(!open)}
          className="flex w-full items-center gap-2 rounded-xl px-4 py-2.5 text-left hover:bg-zinc-50 dark:hover:bg-zinc-800/50"
        >
          <ChevronRight aria-hidden className={`size-4 shrink-0 transition-transform motion-reduce:transition-none ${open ? "rotate-90" : ""}`} />
          <span>Setting up</span>
          <span className={`ml-auto text-xs font-normal tabular-nums ${TONE[log.status]}`}>{setupSummary(log, now || null)}</span>
        </button>
      </h2>
      {open && (
        <div id={bodyId} className="border-t border-zinc-200 dark:border-zinc-800">
          {log.truncated && <p className="px-4 pt-2 text-xs text-zinc-500 dark:text-zinc-400">Only the end of the output is kept.</p>}
          <pre
            ref={scroller}
            role="log"
            aria-label="Setup script output"
            tabIndex={0}
            onScroll={(e) => {
              const el = e.currentTarget;
              following.current = el.scrollHeight - el.scrollTop - el.clientHeight < FOLLOW_SLACK;
            }}
            className="max-h-72 overflow-auto px-4 py-3 font-mono text-xs leading-relaxed break-words whitespace-pre-wrap text-zinc-800 dark:text-zinc-200"
          >
            {log.output || (log.status === "running" ? "Waiting for output…" : "The script wrote nothing.")}
          </pre>
        </div>
      )}
    </section>
  );
}
