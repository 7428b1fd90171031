import { describe, expect, it } from "vitest";
import type { Task } from "../sdk/client";
import { AttentionTracker, attentionOf, describeAttention } from "./attention";

type State = NonNullable<Task["current_state"]>["state"];
const task = (id: string, status: Task["status"], state?: State, message = "") => ({
  id,
  name: `task-${id}`,
  display_name: `Task ${id}`,
  status,
  current_state: state ? { state, message, timestamp: "2026-12-07T09:00:00Z", uri: "" } : null,
});

describe("when a task needs its owner", () => {
  it("a running agent that waits, is done or failed; a task in error; nothing else", () => {
    expect(attentionOf(task("a", "active", "idle"))).toBe("idle");
    expect(attentionOf(task("a", "active", "complete"))).toBe("complete");
    expect(attentionOf(task("a", "active", "failed"))).toBe("failed");
    expect(attentionOf(task("a", "error"))).toBe("failed");
    expect(attentionOf(task("a", "active", "working"))).toBeNull();
    // A paused task keeps its agent's last word, but nobody is waiting on it.
    expect(attentionOf(task("a", "paused", "idle"))).toBeNull();
    expect(attentionOf(task("a", "pending"))).toBeNull();
  });

  it("is told once per change: not for what was so at load, not again for the same state, again after working", () => {
    const tracker = new AttentionTracker();
    tracker.baseline([task("old", "active", "idle"), task("busy", "active", "working")]);
    expect(tracker.observe(task("old", "active", "idle"))).toBeNull();
    expect(tracker.observe(task("busy", "active", "idle"))).toBe("idle");
    expect(tracker.observe(task("busy", "active", "idle", "an unrelated change"))).toBeNull();
    expect(tracker.observe(task("busy", "active", "working"))).toBeNull();
    expect(tracker.observe(task("busy", "active", "idle"))).toBe("idle");
    expect(tracker.observe(task("busy", "active", "complete"))).toBe("complete");
    // The agent's failure, then the task's error: one failure.
    expect(tracker.observe(task("busy", "active", "failed"))).toBe("failed");
    expect(tracker.observe(task("busy", "error"))).toBeNull();
    // A task created after load, first seen waiting.
    expect(tracker.observe(task("new", "active", "idle"))).toBe("idle");
  });

  it("names the task and says why", () => {
    expect(describeAttention(task("a", "active", "idle", "Which branch?"), "idle")).toEqual({ title: "Task a needs your input", body: "Which branch?" });
    expect(describeAttention({ ...task("a", "error"), display_name: "" }, "failed").title).toBe("task-a failed");
  });
});
