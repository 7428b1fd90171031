"use client";

import { ChevronRight } from "lucide-react";
import { createContext, useContext, useId, useState } from "react";
import { useToolCalls } from "@/hooks/use-tool-calls";
import type { ToolCall } from "@/lib/sdk/client";
import { Button } from "@/components/ui/button";

/** The log entry whose Markdown is being shown: where its tool lines' calls are read from. */
export type ToolCallSource = { owner: string; taskRef: string; logId: number; version: string };
export const ToolCallSourceContext = createContext<ToolCallSource | null>(null);

/** What an output shows before "Show more" (the rest of the kept 16 KiB after it). */
const PREVIEW_CHARS = 2000;

/**
 * One tool line of an agent message: collapsed, the line itself; opened, the call's input and
 * output, read from the agent only then. Text only, never HTML.
 */
export function ToolCallLine({ line, index }: { line: string; index: number }) {
  const source = useContext(ToolCallSourceContext);
  const [open, setOpen] = useState(false);
  const detailsId = useId();
  if (!source) {
    return (
      <p data-testid="tool-call" className="truncate font-mono text-xs text-zinc-600 dark:text-zinc-400" title={line}>
        {line}
      </p>
    );
  }
  return (
    <div className="flex min-w-0 flex-col gap-1">
      <button
        type="button"
        aria-expanded={open}
        aria-controls={detailsId}
        onClick={() => setOpen((o) => !o)}
        title={line}
        className="flex min-w-0 items-center gap-1 rounded text-left font-mono text-xs text-zinc-600 hover:text-zinc-900 focus-visible:ring-2 focus-visible:ring-blue-500 focus-visible:outline-none dark:text-zinc-400 dark:hover:text-zinc-100"
      >
        <ChevronRight aria-hidden className={`size-3 shrink-0 transition-transform ${open ? "rotate-90" : ""}`} />
        <span data-testid="tool-call" className="truncate">
          {line}
        </span>
      </button>
      {open && <ToolCallDetails id={detailsId} source={source} index={index} />}
    </div>
  );
}

function ToolCallDetails({ id, source, index }: { id: string; source: ToolCallSource; index: number }) {
  const query = useToolCalls(source.owner, source.taskRef, source.logId, { enabled: true, version: source.version });
  const call: ToolCall | undefined = query.data?.[index];
  return (
    <div id={id} data-testid="tool-call-details" className="flex flex-col gap-2 rounded-md border border-zinc-200 bg-white p-2 text-xs dark:border-zinc-700 dark:bg-zinc-900">
      {query.isPending ? (
        <p className="text-zinc-500 dark:text-zinc-400">Loading…</p>
      ) : query.error && !call ? (
        <p role="alert" className="text-red-700 dark:text-red-400">
          {query.error.message}
        </p>
      ) : !call ? (
        <p className="text-zinc-500 dark:text-zinc-400">No details were recorded for this call.</p>
      ) : (
        <>
          <ToolText label="Input" text={call.input} truncated={call.input_truncated} />
          {call.output === null ? (
            <p className="text-zinc-500 dark:text-zinc-400">Running… (no output yet)</p>
          ) : (
            <ToolText
              label={call.is_error ? "Output (error)" : "Output"}
              text={call.output || "(no output)"}
              truncated={call.output_truncated}
              totalBytes={call.output_bytes}
              error={call.is_error}
            />
          )}
        </>
      )}
    </div>
  );
}

function ToolText({ label, text, truncated, totalBytes, error }: { label: string; text: string; truncated: boolean; totalBytes?: number; error?: boolean }) {
  const [all, setAll] = useState(false);
  const long = text.length > PREVIEW_CHARS;
  const shown = long && !all ? `${text.slice(0, PREVIEW_CHARS)}…` : text;
  return (
    <section aria-label={label} className="flex min-w-0 flex-col gap-1">
      <h6 className={`font-semibold ${error ? "text-red-700 dark:text-red-400" : "text-zinc-700 dark:text-zinc-300"}`}>{label}</h6>
      <pre className="max-h-96 overflow-auto rounded bg-zinc-100 p-2 font-mono text-[12px] break-words whitespace-pre-wrap dark:bg-zinc-800">{shown}</pre>
      {long && (
        <Button size="sm" variant="ghost" className="self-start" onClick={() => setAll((a) => !a)}>
          {all ? "Show less" : "Show more"}
        </Button>
      )}
      {truncated ? (
        <p className="text-zinc-500 dark:text-zinc-400">
          Cut at 16 KiB{totalBytes ? ` of ${totalBytes.toLocaleString("en")} bytes` : ""}.
        </p>
      ) : null}
    </section>
  );
}
