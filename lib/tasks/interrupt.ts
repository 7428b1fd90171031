import "server-only";
import { AgentUnreachableError, createAgentApiClient } from "../agents/agentapi-client";
import { INTERRUPT_KEY } from "../agents/raw-input";
import type { TaskRow } from "../db/queries/tasks";
import { agentOf, askAgent } from "./agent-endpoint";

/** An agent settles within a second or two of an interrupt; one that takes longer than this is broken. */
const INTERRUPT_TIMEOUT_MS = 10_000;

/**
 * Is the task's agent in the middle of a turn? Its own word (AgentAPI `running`); an agent that
 * cannot say is not working on anything the server could stop.
 */
export async function agentIsWorking(task: TaskRow): Promise<boolean> {
  if (task.status !== "active" || !task.agent_api_url) return false;
  try {
    return (await createAgentApiClient(agentOf(task)).status(2000)).status === "running";
  } catch (e) {
    if (e instanceof AgentUnreachableError) return false;
    throw e;
  }
}

/**
 * `POST …/interrupt`: stops the agent's running turn, as AgentAPI's Stop does (a raw ESC), and
 * answers once the agent has settled; the workspace keeps running. A task that is not active, or
 * an agent that is not working, has nothing to stop: that is not an error. Never starts a turn.
 */
export async function interruptTask(task: TaskRow): Promise<{ interrupted: boolean }> {
  if (task.status !== "active" || !task.agent_api_url) return { interrupted: false };
  const agent = createAgentApiClient(agentOf(task));
  return askAgent("Failed to interrupt the task's agent.", async () => {
    if ((await agent.status()).status === "stable") return { interrupted: false };
    await agent.send(INTERRUPT_KEY, "raw", INTERRUPT_TIMEOUT_MS);
    return { interrupted: true };
  });
}
