import "server-only";
import { createAgentApiClient, type AgentMessage } from "../agents/agentapi-client";
import type { DbOrTx } from "../db/client";
import { selectSnapshot, type TaskRow } from "../db/queries/tasks";
import type { SnapshotMessage } from "../db/schema";
import { ApiError } from "../api/errors";
import { BoundedCache } from "../bounded-cache";
import { agentOf, askAgent } from "./agent-endpoint";

export type TaskLogEntry = { id: number; content: string; type: "input" | "output"; time: string };

export function toLogEntry(m: AgentMessage | SnapshotMessage): TaskLogEntry {
  return { id: m.id, content: m.content, type: m.role === "user" ? "input" : "output", time: m.time };
}

export async function snapshotLogs(db: DbOrTx, taskId: string) {
  const snapshot = await selectSnapshot(db, taskId);
  if (!snapshot) return { logs: [], snapshot: true as const };
  return { logs: snapshot.messages.map(toLogEntry), snapshot: true as const, snapshot_at: new Date(snapshot.capturedAt).toISOString() };
}

/**
 * Live logs recently read, per agent, as JSON text with the ETag of the conversation they were made
 * from: while a conversation is unchanged its agent answers 304 and its logs are not read, checked
 * and written again (for 1,000 messages that is most of a request).
 */
const globalForLogs = globalThis as unknown as { taskyardLiveLogs?: BoundedCache<{ etag: string; json: string }> };
const liveLogs = (globalForLogs.taskyardLiveLogs ??= new BoundedCache({ maxEntries: 64, maxSize: 32 * 1024 * 1024, sizeOf: (entry) => entry.json.length }));

async function liveLogsJson(task: TaskRow): Promise<string> {
  const agent = agentOf(task);
  const key = `${task.agent_id} ${agent.url}`;
  const held = liveLogs.get(key);
  const answer = await askAgent("Failed to fetch logs from the task's agent.", () => createAgentApiClient(agent).messagesUnless(held?.etag));
  if (answer === "unchanged") return held!.json;
  const json = JSON.stringify({ logs: answer.messages.map(toLogEntry) });
  if (answer.etag) liveLogs.set(key, { etag: answer.etag, json });
  else liveLogs.delete(key);
  return json;
}

/** `GET …/logs` as JSON text. active → live from the agent; paused/pending/initializing → the stored snapshot; else 409. */
export async function taskLogsJson(db: DbOrTx, task: TaskRow): Promise<string> {
  switch (task.status) {
    case "active":
      return liveLogsJson(task);
    case "paused":
    case "pending":
    case "initializing":
      return JSON.stringify(await snapshotLogs(db, task.id));
    default:
      throw ApiError.conflict(`Logs are not available while the task is ${task.status}.`, "Resume the task to read its conversation.");
  }
}
