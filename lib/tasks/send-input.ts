import "server-only";
import { createAgentApiClient } from "../agent/agentapi-client";
import type { TaskRow } from "../db/queries/tasks";
import { ApiError } from "../api/errors";
import { agentOf, askAgent } from "./agent-endpoint";

/** Coder's rules: 409 while not yet/no longer running, 400 when broken, 502 when the agent can't take it. */
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
  await askAgent("Failed to send input to the task's agent.", async () => {
    const { status } = await agent.status();
    if (status !== "stable") throw new ApiError(502, "Task app is not ready to accept input.", { detail: "The agent is busy; try again when it is waiting for input." });
    await agent.send(input);
  });
}
