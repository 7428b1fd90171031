import { describe, expect, it } from "vitest";
import { TOOL_LINE } from "../tool-line";
import { permissionOutcome } from "./acp-permissions";
import { AcpTranscript } from "./acp-transcript";

const say = (text: string) => ({ sessionUpdate: "agent_message_chunk" as const, content: { type: "text" as const, text } });

describe("an ACP turn as Taskyard shows it", () => {
  it("joins message chunks into paragraphs, with a tool line per call whose structured call gets its output when it completes", () => {
    const t = new AcpTranscript();
    t.apply(say("Let me "));
    t.apply(say("look."));
    t.apply({ sessionUpdate: "tool_call", toolCallId: "c1", title: "ls   -la\nsrc", kind: "execute", status: "pending", rawInput: { command: "ls -la src" } });
    expect(t.step).toBe("Execute: ls -la src");
    expect(t.tools()[0]).toMatchObject({ id: "c1", name: "Execute", input: JSON.stringify({ command: "ls -la src" }, null, 2), output: null });
    t.apply({ sessionUpdate: "tool_call_update", toolCallId: "c1", status: "in_progress" });
    expect(t.tools()[0].output).toBeNull();
    t.apply({ sessionUpdate: "tool_call_update", toolCallId: "c1", status: "completed", content: [{ type: "content", content: { type: "text", text: "a.ts\nb.ts\n" } }] });
    t.apply(say("Two files."));
    expect(t.content()).toBe("Let me look.\n\nExecute: ls -la src\n\nTwo files.");
    expect(t.tools()[0]).toMatchObject({ output: "a.ts\nb.ts\n", output_bytes: 10, is_error: false });
    expect(t.headline()).toBe("Two files.");
    // The dashboard opens each tool line to its call: the line must read as one.
    expect(TOOL_LINE.test("Execute: ls -la src")).toBe(true);
  });

  it("marks a failed call as an error, takes raw output when there is no content, and a later title and kind", () => {
    const t = new AcpTranscript();
    t.apply({ sessionUpdate: "tool_call", toolCallId: "c1", title: "Reading", status: "pending" });
    t.apply({ sessionUpdate: "tool_call_update", toolCallId: "c1", kind: "read", title: "Read src/a.ts", status: "failed", rawOutput: { error: "ENOENT" } });
    expect(t.content()).toBe("Read: Read src/a.ts");
    expect(t.tools()[0]).toMatchObject({ name: "Tool", is_error: true, output: JSON.stringify({ error: "ENOENT" }, null, 2) });
    // An update for a call never announced is its announcement.
    t.apply({ sessionUpdate: "tool_call_update", toolCallId: "c2", title: "grep foo", kind: "search", status: "completed", content: [{ type: "content", content: { type: "text", text: "x" } }] });
    expect(t.content()).toBe("Read: Read src/a.ts\n\nSearch: grep foo");
    expect(t.tools().map((c) => c.output)).toEqual([JSON.stringify({ error: "ENOENT" }, null, 2), "x"]);
  });

  it("shows the plan as a checklist rewritten in place by each update, its current entry as the step", () => {
    const t = new AcpTranscript();
    const plan = (a: "pending" | "in_progress" | "completed", b: "pending" | "in_progress" | "completed") =>
      t.apply({ sessionUpdate: "plan", entries: [{ content: "Look", priority: "high", status: a }, { content: "Write", priority: "low", status: b }] });
    plan("in_progress", "pending");
    expect(t.step).toBe("Plan: Look");
    t.apply(say("Looking."));
    plan("completed", "in_progress");
    expect(t.step).toBe("Plan: Write");
    expect(t.content()).toBe("Plan:\n✓ Look\n→ Write\n\nLooking.");
    plan("completed", "completed");
    expect(t.content()).toBe("Plan:\n✓ Look\n✓ Write\n\nLooking.");
  });

  it("leaves out what is not the reply: thoughts, the user's words echoed, modes, usage", () => {
    const t = new AcpTranscript();
    expect(t.apply({ sessionUpdate: "agent_thought_chunk", content: { type: "text", text: "hmm" } })).toBe(false);
    expect(t.apply({ sessionUpdate: "user_message_chunk", content: { type: "text", text: "hi" } })).toBe(false);
    expect(t.apply({ sessionUpdate: "current_mode_update", currentModeId: "plan" })).toBe(false);
    expect(t.apply({ sessionUpdate: "usage_update", used: 1, size: 2 })).toBe(false);
    expect(t.content()).toBe("");
    t.apply({ sessionUpdate: "agent_message_chunk", content: { type: "resource_link", name: "spec", uri: "https://example.com/spec" } });
    expect(t.content()).toBe("[spec](https://example.com/spec)");
  });
});

describe("the permission policy", () => {
  const options = [
    { optionId: "always", name: "Always", kind: "allow_always" as const },
    { optionId: "once", name: "Allow", kind: "allow_once" as const },
    { optionId: "no", name: "Reject", kind: "reject_once" as const },
  ];

  it("allows once by default, rejects under deny, and cancels when the agent offers no such option", () => {
    expect(permissionOutcome(options, "allow")).toEqual({ outcome: "selected", optionId: "once" });
    expect(permissionOutcome(options.slice(0, 1), "allow")).toEqual({ outcome: "selected", optionId: "always" });
    expect(permissionOutcome(options, "deny")).toEqual({ outcome: "selected", optionId: "no" });
    expect(permissionOutcome(options.slice(0, 2), "deny")).toEqual({ outcome: "cancelled" });
  });
});
