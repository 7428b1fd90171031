import { describe, expect, it } from "vitest";
import { MAX_ATTEMPTS, parseRetryAfter, retryDelayMs } from "./retry-schedule";

describe("webhook retry schedule", () => {
  it("follows Standard Webhooks: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h, then gives up (over a day in all)", () => {
    const delays = Array.from({ length: MAX_ATTEMPTS }, (_, i) => retryDelayMs(i + 1, 1));
    expect(delays).toEqual([5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000, null]);
    const total = delays.reduce<number>((sum, d) => sum + (d ?? 0), 0);
    expect(total).toBeGreaterThan(24 * 3_600_000);
  });

  it("scales, and lets Retry-After ask for longer but not beyond the longest step", () => {
    expect(retryDelayMs(2, 0.001)).toBe(300);
    expect(retryDelayMs(1, 0.001, 2_000)).toBe(2_000);
    expect(retryDelayMs(3, 1, 1_000)).toBe(1_800_000);
    expect(retryDelayMs(1, 1, 365 * 86_400_000)).toBe(36_000_000);
  });

  it("reads Retry-After in seconds or as a date", () => {
    const now = Date.parse("2026-12-07T10:00:00Z");
    expect(parseRetryAfter("2", now)).toBe(2_000);
    expect(parseRetryAfter("Mon, 07 Dec 2026 10:00:30 GMT", now)).toBe(30_000);
    expect(parseRetryAfter("soon", now)).toBeNull();
    expect(parseRetryAfter(undefined, now)).toBeNull();
  });
});
