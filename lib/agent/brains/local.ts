import type { AgentMessage } from "../agentapi-client";
import { Conversation, type AgentStatus } from "../conversation";
import { NotStableError, type Brain, type StatusReport } from "./types";

/** What one turn used of a model, as agents report it (zeros for agents that use none). */
export type TurnUsage = {
  input_tokens: number;
  output_tokens: number;
  cache_read_input_tokens: number;
  cache_creation_input_tokens: number;
  cost_usd: number;
};

export type Reply = { content: string; state: "idle" | "complete" | "failure"; usage?: TurnUsage };
/** Thinks of the reply to `input`; `progress` shows the reply so far while it is being made. */
export type Responder = (input: string, history: AgentMessage[], progress: (partial: string) => void) => Promise<Reply>;

/** A brain that thinks in this process (echo, claude): a responder plus the persisted conversation. */
export class LocalBrain implements Brain {
  private lastReport: StatusReport = { state: "idle", message: "Waiting for input" };
  private statusListeners: ((status: AgentStatus, report: StatusReport) => void)[] = [];
  private usageListeners: ((usage: TurnUsage) => void)[] = [];

  constructor(
    readonly agentType: string,
    private readonly conversation: Conversation,
    private readonly respond: Responder,
  ) {
    conversation.on("status", (status) => this.statusListeners.forEach((l) => l(status, this.lastReport)));
  }

  async start() {}

  status() {
    return this.conversation.status;
  }

  messages() {
    return this.conversation.all();
  }

  onMessage(listener: (message: AgentMessage) => void) {
    this.conversation.on("message", listener);
  }

  onStatus(listener: (status: AgentStatus, report: StatusReport) => void) {
    this.statusListeners.push(listener);
  }

  async send(content: string) {
    if (this.conversation.status !== "stable") throw new NotStableError();
    this.lastReport = { state: "working", message: summary(`Working on: ${content}`) };
    this.conversation.setStatus("running");
    await this.conversation.append("user", content);
    void this.think(content);
  }

  onUsage(listener: (usage: TurnUsage) => void) {
    this.usageListeners.push(listener);
  }

  private async think(content: string) {
    // The reply is one message: made at the first progress, rewritten as it grows, final at the end.
    let replyId: number | undefined;
    let writing: Promise<unknown> = Promise.resolve();
    const show = (text: string) =>
      (writing = writing.then(async () => {
        if (replyId === undefined) replyId = (await this.conversation.append("agent", text)).id;
        else await this.conversation.update(replyId, text);
      }));
    let reply: Reply;
    try {
      reply = await this.respond(content, this.conversation.all(), (partial) => void show(partial));
    } catch (error) {
      reply = { content: `Error: ${error instanceof Error ? error.message : String(error)}`, state: "failure" };
    }
    await show(reply.content);
    if (reply.usage) this.usageListeners.forEach((l) => l(reply.usage!));
    this.lastReport = { state: reply.state, message: summary(firstLine(reply.content)) };
    this.conversation.setStatus("stable");
  }

  async stop() {
    await this.conversation.save();
  }
}

/** A reply's headline: its first line with text (Markdown markers and all). */
export function firstLine(text: string): string {
  return text.split("\n").find((line) => line.trim()) ?? text;
}

/** App status messages are capped at 160 bytes; cut on a character boundary. */
export function summary(text: string, maxBytes = 160): string {
  const oneLine = text.replace(/\s+/g, " ").trim();
  if (Buffer.byteLength(oneLine) <= maxBytes) return oneLine;
  let out = "";
  for (const ch of oneLine) {
    if (Buffer.byteLength(out + ch + "…") > maxBytes) break;
    out += ch;
  }
  return out + "…";
}
