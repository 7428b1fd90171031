import { describe, expect, it } from "vitest";
import { titleWithCount } from "./tab-title";

describe("the tab title", () => {
  it("puts the waiting count in front of the page's title, replacing an earlier one", () => {
    expect(titleWithCount("Tasks · Taskyard", 2)).toBe("(2) Tasks · Taskyard");
    expect(titleWithCount("(2) Tasks · Taskyard", 1)).toBe("(1) Tasks · Taskyard");
    expect(titleWithCount("(1) Tasks · Taskyard", 0)).toBe("Tasks · Taskyard");
    expect(titleWithCount("Tasks · Taskyard", 120)).toBe("(99+) Tasks · Taskyard");
    expect(titleWithCount("(99+) Tasks · Taskyard", 3)).toBe("(3) Tasks · Taskyard");
  });
});
