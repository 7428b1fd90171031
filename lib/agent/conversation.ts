import { EventEmitter } from "node:events";
import fs from "node:fs/promises";
import path from "node:path";
import type { AgentMessage, ToolCall } from "../agents/agentapi-client";

export type AgentStatus = "running" | "stable";

/**
 * The conversation an agent holds, persisted in its workspace directory after every change (write
 * to a temp file, then rename: a crash never leaves half a file), so a resumed agent continues it.
 */
export class Conversation extends EventEmitter<{ message: [AgentMessage]; status: [AgentStatus] }> {
  private messages: AgentMessage[] = [];
  private currentStatus: AgentStatus = "stable";
  private saving: Promise<void> = Promise.resolve();
  /** The tool calls of messages that have them, as last written (one file per message: a long turn rewrites only its own). */
  private readonly tools = new Map<number, ToolCall[]>();
  private toolsSaving: Promise<void> = Promise.resolve();

  constructor(private readonly file: string) {
    super();
  }

  private toolsFile(id: number) {
    return path.join(path.dirname(this.file), "tool-calls", `${id}.json`);
  }

  /** The structured tool calls behind a message's tool lines; none for a message without any. */
  async toolCalls(id: number): Promise<ToolCall[]> {
    const held = this.tools.get(id);
    if (held) return held;
    const text = await fs.readFile(this.toolsFile(id), "utf8").catch(() => "");
    return text ? (JSON.parse(text) as { tool_calls: ToolCall[] }).tool_calls : [];
  }

  /** Records a message's tool calls (temp file, then rename), in order of calls; a failed write leaves the last one that worked. */
  setToolCalls(id: number, calls: ToolCall[]): Promise<void> {
    // Only the turn in progress is held; earlier ones are read back from their files.
    if (!this.tools.has(id)) this.tools.clear();
    this.tools.set(id, calls);
    const file = this.toolsFile(id);
    const write = this.toolsSaving
      .catch(() => {})
      .then(async () => {
        await fs.mkdir(path.dirname(file), { recursive: true });
        await fs.writeFile(`${file}.tmp`, JSON.stringify({ tool_calls: calls }));
        await fs.rename(`${file}.tmp`, file);
      });
    this.toolsSaving = write;
    return write;
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

  /** Adds a message once it is on disk: a message that could not be saved is not in the conversation (the error says why). */
  async append(role: AgentMessage["role"], content: string): Promise<AgentMessage> {
    let message!: AgentMessage;
    await this.commit((messages) => {
      message = { id: messages.length, role, content, time: new Date().toISOString() };
      return [...messages, message];
    });
    this.emit("message", message);
    return message;
  }

  /** Rewrites a message in place (an agent's reply growing while it works); AgentAPI sends it again with the same id. */
  async update(id: number, content: string): Promise<AgentMessage> {
    let message!: AgentMessage;
    await this.commit((messages) => {
      message = { ...messages[id], content };
      return messages.map((m) => (m.id === id ? message : m));
    });
    this.emit("message", message);
    return message;
  }

  save(): Promise<void> {
    return this.commit((messages) => messages);
  }

  /**
   * Writes the changed conversation (temp file, then rename) and only then makes it the current
   * one. Changes run one at a time; one that fails (a full disk) changes nothing and fails alone:
   * the next one tries afresh.
   */
  private commit(change: (messages: AgentMessage[]) => AgentMessage[]): Promise<void> {
    const write = this.saving
      .catch(() => {})
      .then(async () => {
        const next = change(this.messages);
        const tmp = `${this.file}.tmp`;
        try {
          await fs.writeFile(tmp, JSON.stringify({ messages: next }));
          await fs.rename(tmp, this.file);
        } catch (error) {
          await fs.rm(tmp, { force: true });
          throw error;
        }
        this.messages = next;
      });
    this.saving = write;
    return write;
  }
}
