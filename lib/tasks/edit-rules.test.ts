import { describe, expect, it } from "vitest";
import { TASK_STATUSES } from "../validation/tasks";
import { canEditPrompt, canEditRepository } from "./edit-rules";

describe("what may change on a task", () => {
  it("the repository only while failed (or paused) before its first successful start", () => {
    const editable = TASK_STATUSES.filter((status) => canEditRepository({ status, has_started: false }));
    expect(editable).toEqual(["paused", "error"]);
    expect(TASK_STATUSES.filter((status) => canEditRepository({ status, has_started: true }))).toEqual([]);
  });

  it("the prompt while pending or paused, and after a failed first start, never while an agent has it", () => {
    expect(TASK_STATUSES.filter((status) => canEditPrompt({ status, has_started: false }))).toEqual(["pending", "paused", "error"]);
    expect(TASK_STATUSES.filter((status) => canEditPrompt({ status, has_started: true }))).toEqual(["pending", "paused"]);
  });
});
