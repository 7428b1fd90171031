import "server-only";
import { createAgentApiClient } from "../agents/agentapi-client";
import type { TaskRow } from "../db/queries/tasks";
import { ApiError } from "../api/errors";
import { agentOf, askAgent } from "./agent-endpoint";

/**
 * `GET …/logs/{id}/tool-calls`: the tool calls behind a log entry's tool lines, in order, each with
 * its input and output (each capped at 16 KiB by the agent). The log entries themselves stay as
 * Coder and AgentAPI have them; these are read from the running agent only.
 */
export async function getToolCalls(task: TaskRow, logId: string) {
  if (!/^\d{1,9}$/.test(logId)) throw ApiError.invalidField("id", "must be a log entry id");
  if (task.status !== "active") {
    throw ApiError.conflict(`Tool calls are not available while the task is ${task.status}.`, "Resume the task to read what its tools did.");
  }
  const calls = await askAgent("Failed to read the tool calls from the task's agent.", () => createAgentApiClient(agentOf(task)).toolCalls(Number(logId)));
  return { tool_calls: calls };
}
