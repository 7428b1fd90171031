"use client";

const encoder = new TextEncoder();

/** A prompt's size as the server counts it: bytes of UTF-8. */
export function promptBytes(text: string): number {
  return encoder.encode(text).length;
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  return `${(bytes / 1024).toFixed(bytes < 10 * 1024 ? 1 : 0)} KB`;
}

/**
 * "1.2 KB of 32 KB" under a prompt box; past the limit, in red with what to do — the form that
 * shows it disables its submit button, so a long prompt is refused before it is sent.
 */
export function PromptSize({ id, bytes, max }: { id: string; bytes: number; max: number }) {
  const over = bytes > max;
  return (
    <p id={id} data-testid="prompt-size" aria-live={over ? "polite" : "off"} className={`text-xs tabular-nums ${over ? "text-red-700 dark:text-red-400" : "text-zinc-500 dark:text-zinc-400"}`}>
      {over ? `Prompt too long: ${formatBytes(bytes)} of ${formatBytes(max)}. Shorten it to submit.` : `${formatBytes(bytes)} of ${formatBytes(max)}`}
    </p>
  );
}
