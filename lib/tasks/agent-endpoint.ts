import "server-only";
import { AgentUnreachableError, type AgentEndpoint } from "../agents/agentapi-client";
import type { TaskRow } from "../db/queries/tasks";
import { ApiError } from "../api/errors";

/** How the server reaches a running task's agent; 502 while the agent has not registered yet. */
export function agentOf(task: Pick<TaskRow, "agent_api_url" | "agent_api_secret" | "agent_api_certificate">): AgentEndpoint {
  if (!task.agent_api_url) throw new ApiError(502, "The task's agent has not registered its address yet.");
  return { url: task.agent_api_url, secret: task.agent_api_secret, certificate: task.agent_api_certificate };
}

/** Asks a task's agent something; an agent that cannot answer is a 502 saying what failed. */
export async function askAgent<T>(failure: string, ask: () => Promise<T>): Promise<T> {
  try {
    return await ask();
  } catch (e) {
    if (e instanceof AgentUnreachableError) throw new ApiError(502, failure, { detail: e.message });
    throw e;
  }
}
