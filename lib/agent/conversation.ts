import { EventEmitter } from "node:events";
import fs from "node:fs/promises";
import path from "node:path";
import type { AgentMessage } from "./agentapi-client";

export type AgentStatus = "running" | "stable";

/**
 * The conversation an agent holds, persisted in its workspace directory after every change (write
 * to a temp file, then rename: a crash never leaves half a file), so a resumed agent continues it.
 */
export class Conversation extends EventEmitter<{ message: [AgentMessage]; status: [AgentStatus] }> {
  private messages: AgentMessage[] = [];
  private currentStatus: AgentStatus = "stable";
  private saving: Promise<void> = Promise.resolve();

  constructor(private readonly file: string) {
    super();
  }

  static async load(workspaceDir: string): Promise<Conversation> {
    const conversation = new Conversation(path.join(workspaceDir, "conversation.json"));
    const text = await fs.readFile(conversation.file, "utf8").catch(() => "");
    if (text) conversation.messages = (JSON.parse(text) as { messages: AgentMessage[] }).messages;
    return conversation;
  }

  all(): AgentMessage[] {
    return this.messages;
  }

  get status(): AgentStatus {
    return this.currentStatus;
  }

  setStatus(status: AgentStatus) {
    if (status === this.currentStatus) return;
    this.currentStatus = status;
    this.emit("status", status);
  }

  async append(role: AgentMessage["role"], content: string): Promise<AgentMessage> {
    const message: AgentMessage = { id: this.messages.length, role, content, time: new Date().toISOString() };
    this.messages.push(message);
    this.emit("message", message);
    await this.save();
    return message;
  }

  /** Rewrites a message in place (an agent's reply growing while it works); AgentAPI sends it again with the same id. */
  async update(id: number, content: string): Promise<AgentMessage> {
    const message = { ...this.messages[id], content };
    this.messages[id] = message;
    this.emit("message", message);
    await this.save();
    return message;
  }

  save(): Promise<void> {
    const data = JSON.stringify({ messages: this.messages });
    this.saving = this.saving.then(async () => {
      const tmp = `${this.file}.tmp`;
      await fs.writeFile(tmp, data);
      await fs.rename(tmp, this.file);
    });
    return this.saving;
  }
}
