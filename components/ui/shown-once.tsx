"use client";

import { Check, Copy, KeyRound } from "lucide-react";
import { useState } from "react";
import { Button } from "./button";

/**
 * A secret (an API key, an invite link) the one time the server sends it: copy it now, it cannot
 * be shown again. "Done" forgets it.
 */
export function ShownOnce({
  label,
  title,
  note,
  value,
  onDone,
  copyLabel = "Copy",
}: {
  label: string;
  title: React.ReactNode;
  note: React.ReactNode;
  value: string;
  onDone: () => void;
  /** The copy button's accessible name, e.g. "Copy secret" ("Copied" once it has). */
  copyLabel?: string;
}) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setCopied(true);
      setTimeout(() => setCopied(false), 1500);
    } catch {
      // Clipboard refused (no permission or insecure context): the text is still selectable.
    }
  };
  return (
    <div role="region" aria-label={label} className="rounded-lg border border-emerald-300 bg-emerald-50 p-3 dark:border-emerald-800 dark:bg-emerald-950/40">
      <p className="flex items-center gap-1.5 text-sm font-medium text-emerald-900 dark:text-emerald-200">
        <KeyRound aria-hidden className="size-4" />
        {title}
      </p>
      <p className="mt-1 text-xs text-emerald-900/80 dark:text-emerald-200/80">{note}</p>
      <div className="mt-2 flex flex-wrap items-center gap-2">
        <code data-testid="shown-once" className="min-w-0 flex-1 rounded bg-white px-2 py-1.5 font-mono text-xs break-all select-all dark:bg-zinc-900">
          {value}
        </code>
        <Button size="sm" onClick={copy} aria-label={copied ? "Copied" : copyLabel}>
          {copied ? <Check aria-hidden className="size-3.5" /> : <Copy aria-hidden className="size-3.5" />}
          {copied ? "Copied" : "Copy"}
        </Button>
        <Button size="sm" variant="ghost" onClick={onDone}>
          Done
        </Button>
      </div>
    </div>
  );
}
