import "server-only";
import { createAgentApiClient, type AgentMessage } from "../agent/agentapi-client";
import type { DbOrTx } from "../db/client";
import { selectSnapshot, type TaskRow } from "../db/queries/tasks";
import type { SnapshotMessage } from "../db/schema";
import { ApiError } from "../api/errors";
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

/** active → live from the agent; paused/pending/initializing → the stored snapshot; else 409. */
export async function getTaskLogs(db: DbOrTx, task: TaskRow) {
  switch (task.status) {
    case "active": {
      const messages = await askAgent("Failed to fetch logs from the task's agent.", () => createAgentApiClient(agentOf(task)).messages());
      return { logs: messages.map(toLogEntry) };
    }
    case "paused":
    case "pending":
    case "initializing":
      return snapshotLogs(db, task.id);
    default:
      throw ApiError.conflict(`Logs are not available while the task is ${task.status}.`, "Resume the task to read its conversation.");
  }
}
