import { describe, expect, it } from "vitest";
import { lastDays, parseUsagePeriod, utcDay } from "./period";

describe("lastDays", () => {
  it("counts back in UTC days, today included, whatever the hour", () => {
    expect(lastDays(3, new Date("2026-03-01T23:30:00Z"))).toEqual({ from: "2026-02-27", to: "2026-03-01", days: ["2026-02-27", "2026-02-28", "2026-03-01"] });
    expect(lastDays(1, new Date("2026-03-01T00:00:00Z"))).toEqual({ from: "2026-03-01", to: "2026-03-01", days: ["2026-03-01"] });
    expect(lastDays(30, new Date("2026-12-07T12:00:00Z")).days).toHaveLength(30);
  });

  it("utcDay is the UTC date, not the local one", () => {
    expect(utcDay(new Date("2026-12-31T23:59:59.999Z"))).toBe("2026-12-31");
  });
});

describe("parseUsagePeriod", () => {
  it("takes the offered periods only, else 30 days", () => {
    expect(["7", "30", "90"].map(parseUsagePeriod)).toEqual([7, 30, 90]);
    for (const value of [null, undefined, "", "14", "7d", "-7"]) expect(parseUsagePeriod(value)).toBe(30);
  });
});
