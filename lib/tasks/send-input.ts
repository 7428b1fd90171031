import "server-only";
import { AgentUnreachableError, createAgentApiClient } from "../agents/agentapi-client";
import type { TaskRow } from "../db/queries/tasks";
import { ApiError } from "../api/errors";
import { agentOf, askAgent } from "./agent-endpoint";
import { db } from "../db/client";
import { startAgentTurn } from "../db/queries/model-calls";

const FAILED = "Failed to send input to the task's agent.";
const busy = () =>
  new ApiError(502, "Task app is not ready to accept input.", { detail: "The agent is busy; try again when it is waiting for input." });

/**
 * Coder's rules: 409 while not yet/no longer running, 400 when broken, 502 when the agent can't
 * take it. One rule for a busy agent: every send it does not take — because it is working, or
 * because another send got there first — is the same 502 "not ready". A send is all or nothing:
 * unless the agent answered OK, the input is not in its conversation.
 */
export async function sendTaskInput(task: TaskRow, input: string): Promise<void> {
  switch (task.status) {
    case "active":
      break;
    case "pending":
    case "initializing":
    case "paused":
      throw ApiError.conflict(`Cannot send input to a ${task.status} task.`, task.status === "paused" ? "Resume the task first." : "Wait until it is active.");
    default:
      throw ApiError.badRequest(`Cannot send input to a task in state ${task.status}.`);
  }
  const agent = createAgentApiClient(agentOf(task));
  await askAgent(FAILED, async () => {
    const { status } = await agent.status();
    if (status !== "stable") throw busy();
    if (task.agent_id) await startAgentTurn(db, task.agent_id);
    await agent.send(input).catch((e: unknown) => {
      if (!(e instanceof AgentUnreachableError) || !e.status) throw e;
      throw e.status === 409 ? busy() : new ApiError(502, FAILED, { detail: e.reason });
    });
  });
}
