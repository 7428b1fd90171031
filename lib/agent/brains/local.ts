import type { AgentMessage } from "../agentapi-client";
import { Conversation, type AgentStatus } from "../conversation";
import { NotStableError, type Brain, type StatusReport } from "./types";

export type Reply = { content: string; state: "idle" | "complete" | "failure" };
export type Responder = (input: string, history: AgentMessage[]) => Promise<Reply>;

/** A brain that thinks in this process (echo, claude): a responder plus the persisted conversation. */
export class LocalBrain implements Brain {
  private lastReport: StatusReport = { state: "idle", message: "Waiting for input" };
  private statusListeners: ((status: AgentStatus, report: StatusReport) => void)[] = [];

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

  private async think(content: string) {
    let reply: Reply;
    try {
      reply = await this.respond(content, this.conversation.all());
    } catch (error) {
      reply = { content: `Error: ${error instanceof Error ? error.message : String(error)}`, state: "failure" };
    }
    await this.conversation.append("agent", reply.content);
    this.lastReport = { state: reply.state, message: summary(reply.content) };
    this.conversation.setStatus("stable");
  }

  async stop() {
    await this.conversation.save();
  }
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
