import type { AgentMessage, ToolCall } from "../../agents/agentapi-client";
import type { AgentStatus } from "../conversation";
import type { TurnUsage } from "./local";
import type { WorkspaceChannel } from "../workspace-channel";

/**
 * AgentAPI's agent types (coder/agentapi lib/msgfmt AgentType): its clients know these and no
 * others, and its chat UI breaks on anything else.
 */
export const AGENTAPI_AGENT_TYPES = ["claude", "goose", "aider", "codex", "gemini", "copilot", "amp", "cursor", "auggie", "amazonq", "opencode", "custom"] as const;
export type AgentApiAgentType = (typeof AGENTAPI_AGENT_TYPES)[number];

/** One of AgentAPI's agent types: `type` if it is one, else "custom". */
export function knownAgentType(type: unknown): AgentApiAgentType {
  return (AGENTAPI_AGENT_TYPES as readonly unknown[]).includes(type) ? (type as AgentApiAgentType) : "custom";
}

export type AppState = "working" | "idle" | "complete" | "failure";

/** What a brain reports to the server as the app's status while and after it works. */
export type StatusReport = { state: AppState; message: string };

/**
 * The one interface an agent's brain implements: AgentAPI in miniature. `send` accepts a user
 * message only while `stable`; events tell the agent what changed.
 */
export interface Brain {
  readonly agentType: AgentApiAgentType;
  start(): Promise<void>;
  status(): AgentStatus;
  messages(): AgentMessage[];
  send(content: string): Promise<void>;
  /**
   * Stops the running turn, keeping what it produced (marked as interrupted); the agent is then
   * stable with the state "Interrupted". Resolves once it is (or at once when nothing runs).
   */
  interrupt(): Promise<void>;
  /** AgentAPI `{"type":"raw"}` input, for a brain that hands keystrokes on as they are (an AgentAPI agent's terminal). */
  raw?(content: string): Promise<void>;
  onMessage(listener: (message: AgentMessage) => void): void;
  onStatus(listener: (status: AgentStatus, report: StatusReport) => void): void;
  /** During a turn: its current step (its latest tool call or text), as the task's status says it. */
  onReport?(listener: (report: StatusReport) => void): void;
  /** The structured tool calls behind an agent message's tool lines (Taskyard's own; AgentAPI messages are text). */
  toolCalls?(messageId: number): Promise<ToolCall[]>;
  /** After each turn that used a model: what it used (brains without a model have none). */
  onUsage?(listener: (usage: TurnUsage) => void): void;
  stop(): Promise<void>;
}

export type BrainOptions = {
  /** The workspace: every command the brain runs, runs there, through its runtime. */
  workspace: WorkspaceChannel;
  /** The agent's own directory, outside the workspace (what the model must not be able to change). */
  stateDir: string;
  /** Where the work happens, as commands in the workspace see it: the task's repository if it has one, else the workspace. */
  codeDir: string;
  parameters: Record<string, string>;
  command: string[];
  /** acp brain: the template's answer to the agent's permission requests. */
  permissionPolicy?: "allow" | "deny";
  /** The template's MCP servers, Claude Code's `mcpServers` JSON (manifest `mcp_servers`). */
  mcpServers?: Record<string, unknown>;
  /** Added to the coding agent's environment: what credits the agent in its commits (commit-attribution.ts), and the model gateway's address and key. */
  codingEnv?: Record<string, string>;
  /** Called before the process exits on purpose (the echo brain's /crash), so state can be flushed. */
  onCrash: (reason: string) => Promise<never>;
};

export class NotStableError extends Error {
  constructor() {
    super("the agent is busy: a user message is accepted only while it is stable");
  }
}
