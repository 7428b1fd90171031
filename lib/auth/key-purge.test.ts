import { afterEach, describe, expect, it, vi } from "vitest";
import { logger } from "../logger";
import { PURGE_EVERY_MS, schedulePurge } from "./key-purge";

describe("schedulePurge", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("purges at once and then once a day", async () => {
    vi.useFakeTimers();
    const purge = vi.fn(async () => 0);
    const stop = schedulePurge(purge);
    expect(purge).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(PURGE_EVERY_MS - 1);
    expect(purge).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(purge).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(PURGE_EVERY_MS);
    expect(purge).toHaveBeenCalledTimes(3);
    stop();
    await vi.advanceTimersByTimeAsync(PURGE_EVERY_MS * 2);
    expect(purge).toHaveBeenCalledTimes(3);
  });

  it("a failed purge is logged, and the next day's still runs", async () => {
    vi.useFakeTimers();
    const warn = vi.spyOn(logger, "warn").mockImplementation(() => undefined);
    const purge = vi.fn(async () => Promise.reject(new Error("database is down")));
    const stop = schedulePurge(purge);
    await vi.advanceTimersByTimeAsync(PURGE_EVERY_MS);
    expect(purge).toHaveBeenCalledTimes(2);
    expect(warn).toHaveBeenCalledTimes(2);
    expect(warn.mock.calls[0][1]).toBe("purging expired API keys failed");
    stop();
    warn.mockRestore();
  });
});
