import { plainRequest } from "../http-request";
import type { AgentMessage, RepoChanges, ToolCall } from "../agents/agentapi-client";
import type { TurnUsage } from "./brains/local";
import type { WorkSnapshotUpload } from "./work-snapshot";

export type Manifest = {
  agent_id: string;
  workspace_id: string;
  task_id: string | null;
  prompt: string;
  app_slug: string;
  brain: "echo" | "claude-code" | "agentapi" | "acp";
  command: string[];
  /** acp brain: the template's answer to the agent's permission requests (absent from older servers: allow). */
  permission_policy?: "allow" | "deny";
  parameters: Record<string, string>;
  /** The bearer secret this agent's AgentAPI port must demand: the server presents it on every call. */
  api_secret: string;
  /** The commit the task's repository started from (its Changes are against it); null without one. */
  repo_base_commit: string | null;
  /** The task's branch in it (`taskyard/<name>`; absent from older servers). */
  repo_branch?: string | null;
  /** The most a work snapshot may take (absent from older servers: no snapshot is taken). */
  work_snapshot_max_bytes?: number;
  /** The template's MCP servers (Claude Code's `mcpServers` JSON); `{}` without any. */
  mcp_servers?: Record<string, unknown>;
};

export const SNAPSHOT_MAX_BYTES = 64 * 1024;

const TIMEOUT_MS = 10_000;
/** A work snapshot may be tens of MiB. */
const WORK_SNAPSHOT_TIMEOUT_MS = 120_000;

/**
 * The agent's side of the agent routes: it authenticates with its one-time agent token. Over https
 * the server's certificate is checked against `ca` (PEM) when given, else the system's CAs.
 */
export function createControlPlaneClient(baseUrl: string, token: string, trust: { ca?: string } = {}) {
  const tls = trust.ca ? { ca: trust.ca } : undefined;
  async function call(method: string, path: string, body?: unknown, timeoutMs = TIMEOUT_MS): Promise<string> {
    const headers: Record<string, string> = { "Coder-Session-Token": token, ...(body === undefined ? {} : { "content-type": "application/json" }) };
    const res = await plainRequest(new URL(`${baseUrl}${path}`), { method, headers, body: body === undefined ? undefined : JSON.stringify(body), timeoutMs, tls });
    const text = res.body.toString("utf8");
    if (res.status < 200 || res.status > 299) throw new Error(`${method} ${path} → ${res.status} ${text}`);
    return text;
  }
  return {
    manifest: async () => JSON.parse(await call("GET", "/api/v2/workspaceagents/me/manifest")) as Manifest,
    lifecycle: (state: string) => call("POST", "/api/v2/workspaceagents/me/lifecycle", { state, changed_at: new Date().toISOString() }),
    /** Where AgentAPI is served; an agent on another host adds the certificate its port presents, for the server to pin. */
    connection: (apiUrl: string, certificate?: string) => call("POST", "/api/v2/workspaceagents/me/connection", { api_url: apiUrl, ...(certificate ? { certificate } : {}) }),
    appHealth: (slug: string, health: string) => call("PATCH", "/api/v2/workspaceagents/me/app-health", { app_slug: slug, health }),
    appStatus: (slug: string, state: string, message: string) => call("PATCH", "/api/v2/workspaceagents/me/app-status", { app_slug: slug, state, message }),
    usage: (report: TurnUsage & { turn_id: string }) => call("POST", "/api/v2/workspaceagents/me/usage", report),
    changes: (taskId: string, changes: RepoChanges) => call("POST", `/api/v2/workspaceagents/me/tasks/${taskId}/changes-snapshot`, changes),
    toolCalls: (taskId: string, messageId: number, calls: ToolCall[]) => call("POST", `/api/v2/workspaceagents/me/tasks/${taskId}/tool-calls`, { message_id: messageId, tool_calls: calls }),
    workSnapshot: (taskId: string, snapshot: WorkSnapshotUpload) => call("POST", `/api/v2/workspaceagents/me/tasks/${taskId}/work-snapshot`, snapshot, WORK_SNAPSHOT_TIMEOUT_MS),
    snapshot: (taskId: string, messages: AgentMessage[]) =>
      call("POST", `/api/v2/workspaceagents/me/tasks/${taskId}/log-snapshot?format=agentapi`, { messages: fitSnapshot(messages) }),
  };
}

/** Snapshots are capped at 64 KiB: keep the newest messages that fit (a long one is cut). */
export function fitSnapshot(messages: AgentMessage[], maxBytes = SNAPSHOT_MAX_BYTES - 1024): AgentMessage[] {
  const kept: AgentMessage[] = [];
  let size = 16;
  for (let i = messages.length - 1; i >= 0; i--) {
    const bytes = Buffer.byteLength(JSON.stringify(messages[i])) + 1;
    if (size + bytes > maxBytes) {
      if (kept.length === 0) kept.unshift({ ...messages[i], content: messages[i].content.slice(0, Math.floor(maxBytes / 4)) });
      break;
    }
    size += bytes;
    kept.unshift(messages[i]);
  }
  return kept;
}
