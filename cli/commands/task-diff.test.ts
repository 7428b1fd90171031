import { describe, expect, it } from "vitest";
import { renderStat } from "./task-diff";

describe("taskyard task diff --stat", () => {
  it("draws files, counts and bars like git diff --stat, with its totals line", () => {
    expect(
      renderStat([
        { path: "README.md", status: "deleted", additions: 0, deletions: 1 },
        { path: "notes/new.txt", status: "added", additions: 1, deletions: 0 },
        { path: "src/app.txt", status: "modified", additions: 1, deletions: 1 },
        { path: "b.txt", old_path: "a.txt", status: "renamed", additions: 0, deletions: 0 },
      ]),
    ).toBe(
      [
        " README.md      | 1 -",
        " notes/new.txt  | 1 +",
        " src/app.txt    | 2 +-",
        " a.txt => b.txt | 0",
        " 4 files changed, 2 insertions(+), 2 deletions(-)",
        "",
      ].join("\n"),
    );
  });

  it("scales long bars down to 40 marks, never dropping a side, and says nothing for no files", () => {
    const [line, totals] = renderStat([{ path: "big.txt", status: "modified", additions: 400, deletions: 2 }]).split("\n");
    expect(line).toBe(` big.txt | 402 ${"+".repeat(40)}-`);
    expect(totals).toBe(" 1 file changed, 400 insertions(+), 2 deletions(-)");
    expect(renderStat([])).toBe("");
  });
});
