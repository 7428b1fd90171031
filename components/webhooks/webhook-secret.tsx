"use client";

import { ShownOnce } from "@/components/ui/shown-once";

/** A signing secret, the one time the server sends it (after creation or rotation). */
export function WebhookSecret({ url, secret, rotated, onDone }: { url: string; secret: string; rotated: boolean; onDone: () => void }) {
  return (
    <ShownOnce
      label="New signing secret"
      title={
        <>
          {rotated ? "New signing secret" : "Signing secret"} for <span className="truncate font-mono text-xs">{url}</span>
        </>
      }
      note={
        <>
          Copy it now: it is shown only this once. Your receiver verifies each delivery&apos;s <code>webhook-signature</code> with it (Standard Webhooks).
          {rotated ? " The previous secret no longer signs." : ""}
        </>
      }
      value={secret}
      onDone={onDone}
      copyLabel="Copy secret"
    />
  );
}
