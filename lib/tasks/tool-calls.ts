import "server-only";
import { createAgentApiClient } from "../agents/agentapi-client";
import type { DbOrTx } from "../db/client";
import { selectToolCalls, type TaskRow } from "../db/queries/tasks";
import { ApiError } from "../api/errors";
import { agentOf, askAgent } from "./agent-endpoint";

/**
 * `GET …/logs/{id}/tool-calls`: the tool calls behind a log entry's tool lines, in order, each with
 * its input and output (each capped at 16 KiB by the agent). The log entries themselves stay as
 * Coder and AgentAPI have them. A running task's agent answers (a turn in progress included);
 * otherwise they come from what the agent uploaded after each turn, beside the snapshot.
 */
export async function getToolCalls(db: DbOrTx, task: TaskRow, logId: string) {
  if (!/^\d{1,9}$/.test(logId)) throw ApiError.invalidField("id", "must be a log entry id");
  if (task.status !== "active") return { tool_calls: await selectToolCalls(db, task.id, Number(logId)) };
  const calls = await askAgent("Failed to read the tool calls from the task's agent.", () => createAgentApiClient(agentOf(task)).toolCalls(Number(logId)));
  return { tool_calls: calls };
}
