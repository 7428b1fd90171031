import { describe, expect, it } from "vitest";
import { issuePrompt, taskyardCommand } from "./issue-prompt";

describe("taskyardCommand", () => {
  it("takes `/taskyard` as the first word only, the rest as the prompt", () => {
    expect(taskyardCommand("/taskyard fix the login bug")).toBe("fix the login bug");
    expect(taskyardCommand("  /taskyard\n\nsteps:\n1. a")).toBe("steps:\n1. a");
    expect(taskyardCommand("/taskyard")).toBe("");
    expect(taskyardCommand("/taskyardish do it")).toBeUndefined();
    expect(taskyardCommand("please /taskyard do it")).toBeUndefined();
    expect(taskyardCommand("/TASKYARD do it")).toBeUndefined();
  });
});

describe("issuePrompt", () => {
  it("is the title, the body and the comment's prompt, separated by blank lines", () => {
    expect(issuePrompt({ title: "Login fails", body: "With a + in the address." }, "Add a test first", 1000)).toBe("Login fails\n\nWith a + in the address.\n\nAdd a test first");
    expect(issuePrompt({ title: "Login fails", body: null }, undefined, 1000)).toBe("Login fails");
  });

  it("fits the limit in bytes without splitting a character, and says it was cut", () => {
    const prompt = issuePrompt({ title: "T", body: "é".repeat(5000) }, undefined, 1024);
    expect(Buffer.byteLength(prompt, "utf8")).toBeLessThanOrEqual(1024);
    expect(prompt).toMatch(/^T\n\né+\n\n\[… cut to fit Taskyard's prompt limit\]$/);
  });
});
