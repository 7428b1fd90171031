import type { ContentBlock, PlanEntry, SessionUpdate, ToolCallContent, ToolKind } from "@agentclientprotocol/sdk";
import type { ToolCall } from "../../agents/agentapi-client";
import { ACP_TOOL_LABELS } from "../tool-line";
import { answered, capped, newToolCall } from "../tool-calls";

/** One paragraph of a turn's reply: the agent's text, a tool call's line, or its plan. */
type Part = { kind: "text"; text: string } | { kind: "tool"; id: string } | { kind: "plan"; entries: PlanEntry[] } | { kind: "note"; text: string };

const PLAN_MARK: Record<PlanEntry["status"], string> = { completed: "✓", in_progress: "→", pending: "○" };

/** A content block as text: text as it is, anything else as a short mark (the reply is text). */
function textOf(block: ContentBlock): string {
  switch (block.type) {
    case "text":
      return block.text;
    case "resource_link":
      return `[${block.title ?? block.name}](${block.uri})`;
    case "resource":
      return "text" in block.resource ? block.resource.text : `[${block.resource.uri}]`;
    default:
      return `[${block.type}]`;
  }
}

/** A tool call's output as the agent gave it: its content blocks, else its raw output. */
function outputOf(content: ToolCallContent[] | null | undefined, rawOutput: unknown): string {
  if (content?.length) {
    return content
      .map((c) => (c.type === "content" ? textOf(c.content) : c.type === "diff" ? `--- ${c.path}\n+++ ${c.path}\n${c.newText}` : `[terminal ${c.terminalId}]`))
      .join("\n");
  }
  if (rawOutput === undefined || rawOutput === null) return "";
  return typeof rawOutput === "string" ? rawOutput : JSON.stringify(rawOutput, null, 2);
}

function oneLine(text: string): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > 200 ? line.slice(0, 199) + "…" : line;
}

/**
 * One ACP prompt turn as Taskyard shows it: the agent's message chunks joined into paragraphs, a
 * `Kind: title` line per tool call (lib/agent/tool-line.ts) with the structured call behind it
 * (its input, and its output once it completed or failed), the agent's plan as a checklist that
 * each plan update rewrites in place, and notes of what Taskyard did for it (a refused permission).
 */
export class AcpTranscript {
  private readonly parts: Part[] = [];
  private readonly calls: ToolCall[] = [];
  /** Each tool call's kind and title, which its line shows (an update may change either). */
  private readonly shown = new Map<string, { kind: ToolKind; title: string }>();
  /** What the turn does now (its latest tool call, plan step or text), for the task's status. */
  step: string | undefined;

  /** Takes one `session/update`; answers whether the reply changed. */
  apply(update: SessionUpdate): boolean {
    switch (update.sessionUpdate) {
      case "agent_message_chunk": {
        const text = textOf(update.content);
        if (!text) return false;
        const last = this.parts.at(-1);
        if (last?.kind === "text") last.text += text;
        else this.parts.push({ kind: "text", text });
        const said = (this.parts.at(-1) as { text: string }).text.trim();
        if (said) this.step = said.split("\n").findLast((l) => l.trim()) ?? said;
        return true;
      }
      case "tool_call":
      case "tool_call_update":
        return this.applyToolCall(update);
      case "plan": {
        const plan = this.parts.find((p) => p.kind === "plan");
        if (plan) plan.entries = update.entries;
        else this.parts.push({ kind: "plan", entries: update.entries });
        const current = update.entries.find((e) => e.status === "in_progress");
        if (current) this.step = `Plan: ${current.content}`;
        return true;
      }
      default:
        // Thoughts, the user's own words echoed back, modes, commands and context usage are not the reply.
        return false;
    }
  }

  private applyToolCall(update: Extract<SessionUpdate, { sessionUpdate: "tool_call" | "tool_call_update" }>): boolean {
    const id = update.toolCallId;
    let at = this.calls.findIndex((c) => c.id === id);
    if (at === -1) {
      // An update for a call never announced is taken as its announcement.
      this.calls.push(newToolCall({ id, name: update.name ?? ACP_TOOL_LABELS[update.kind ?? "other"] ?? ACP_TOOL_LABELS.other, input: update.rawInput ?? {} }));
      this.parts.push({ kind: "tool", id });
      this.shown.set(id, { kind: update.kind ?? "other", title: update.title ?? "" });
      at = this.calls.length - 1;
    } else {
      const shown = this.shown.get(id)!;
      this.shown.set(id, { kind: update.kind ?? shown.kind, title: update.title ?? shown.title });
      if (update.name) this.calls[at] = { ...this.calls[at], name: update.name };
      if (update.rawInput !== undefined) {
        const input = capped(JSON.stringify(update.rawInput ?? {}, null, 2));
        this.calls[at] = { ...this.calls[at], input: input.text, input_truncated: input.truncated };
      }
    }
    if (update.status === "completed" || update.status === "failed") {
      this.calls[at] = answered(this.calls[at], outputOf(update.content, update.rawOutput), update.status === "failed");
    }
    this.step = this.lineOf(id);
    return true;
  }

  /** A tool call's line: `Kind: title`. */
  private lineOf(id: string): string {
    const { kind, title } = this.shown.get(id)!;
    return `${ACP_TOOL_LABELS[kind] ?? ACP_TOOL_LABELS.other}: ${oneLine(title) || "(untitled)"}`;
  }

  /** A line of Taskyard's own in the reply (a permission it refused for the agent). */
  note(text: string) {
    this.parts.push({ kind: "note", text });
  }

  /** The reply so far: its paragraphs in order. */
  content(): string {
    return this.parts
      .map((part) => {
        switch (part.kind) {
          case "text":
          case "note":
            return part.text.trim();
          case "tool":
            return this.lineOf(part.id);
          case "plan":
            return ["Plan:", ...part.entries.map((e) => `${PLAN_MARK[e.status]} ${oneLine(e.content)}`)].join("\n");
        }
      })
      .filter(Boolean)
      .join("\n\n");
  }

  /** The structured calls behind the tool lines, in the same order. */
  tools(): ToolCall[] {
    return [...this.calls];
  }

  /** The turn's final answer: its text after its last tool call (the whole reply if it has none). */
  headline(): string {
    const lastTool = this.parts.findLastIndex((p) => p.kind === "tool");
    return this.parts
      .slice(lastTool + 1)
      .flatMap((p) => (p.kind === "text" && p.text.trim() ? [p.text.trim()] : []))
      .join("\n\n");
  }
}
