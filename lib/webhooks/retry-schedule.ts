/**
 * When a failed delivery is tried again: the Standard Webhooks recommendation (immediately, then
 * 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h after each failure: eight attempts over ~1.1 days),
 * times `scale` (TASKYARD_WEBHOOK_RETRY_SCALE, for tests). A receiver's `Retry-After` wins when it
 * asks for longer, up to the longest step.
 */
const DELAYS_AFTER_ATTEMPT_MS = [5_000, 5 * 60_000, 30 * 60_000, 2 * 3_600_000, 5 * 3_600_000, 10 * 3_600_000, 10 * 3_600_000];

export const MAX_ATTEMPTS = DELAYS_AFTER_ATTEMPT_MS.length + 1;
/** An endpoint failing without a single delivery for this long (times `scale`) is disabled. */
export const DISABLE_AFTER_FAILING_MS = 24 * 3_600_000;
const LONGEST_RETRY_AFTER_MS = 10 * 3_600_000;

/** How long after failed attempt number `attempts` (1-based) the next one goes; null when that was the last. */
export function retryDelayMs(attempts: number, scale: number, retryAfterMs: number | null = null): number | null {
  const step = DELAYS_AFTER_ATTEMPT_MS[attempts - 1];
  if (step === undefined) return null;
  const scheduled = step * scale;
  return retryAfterMs === null ? scheduled : Math.max(scheduled, Math.min(retryAfterMs, LONGEST_RETRY_AFTER_MS));
}

/** `Retry-After` (seconds, or an HTTP date) in ms from `now`; null when absent or unreadable. */
export function parseRetryAfter(value: string | string[] | undefined, now = Date.now()): number | null {
  const header = Array.isArray(value) ? value[0] : value;
  if (!header) return null;
  if (/^\s*\d+\s*$/.test(header)) return Number(header) * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}
