import { describe, expect, it } from "vitest";
import { autoPauseProblem, formatIdleDuration, idlePauseReason, MAX_AUTO_PAUSE_SECONDS } from "./auto-pause";

describe("idle auto-pause", () => {
  it("describes a pause from its duration", () => {
    expect(idlePauseReason(1800)).toBe("Paused after 30 min idle");
    expect(idlePauseReason(2)).toBe("Paused after 2 s idle");
    expect(formatIdleDuration(59)).toBe("59 s");
    expect(formatIdleDuration(90)).toBe("1 min 30 s");
    expect(formatIdleDuration(3600)).toBe("1 h");
    expect(formatIdleDuration(5400)).toBe("1 h 30 min");
    expect(formatIdleDuration(86_400 * 2 + 3600)).toBe("2 d 1 h");
  });

  it("takes whole seconds from 0 to 30 days and nothing else", () => {
    for (const ok of ["0", "2", "1800", String(MAX_AUTO_PAUSE_SECONDS)]) expect(autoPauseProblem(ok)).toBeUndefined();
    for (const bad of ["-1", "1.5", "1e3", " 5", "abc", "", String(MAX_AUTO_PAUSE_SECONDS + 1), "99999999999"]) expect(autoPauseProblem(bad)).toBeDefined();
  });
});
