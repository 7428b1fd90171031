import "server-only";
import type { DbOrTx } from "../db/client";
import { AgentUnreachableError, createAgentApiClient } from "../agents/agentapi-client";
import { selectTasks, type TaskRow } from "../db/queries/tasks";
import {
  claimNextTaskInput,
  deleteQueuedTaskInput,
  insertTaskInput,
  markTaskInputDelivered,
  requeueTaskInput,
  selectStaleDelivery,
  selectTaskInputs,
  selectTasksWithPendingInputs,
  hasPendingInputs,
  type TaskInput,
} from "../db/queries/task-inputs";
import { startAgentTurn } from "../db/queries/model-calls";
import { ApiError } from "../api/errors";
import { agentOf } from "./agent-endpoint";
import { logger } from "../logger";
import { startSweep, type Sweep } from "../server/sweep";
import type { TaskInputResponse } from "../validation/responses";

/**
 * The queue of follow-ups: `POST …/inputs` always takes an input (202) and it reaches the agent in
 * order, one at a time, whenever the agent waits for input — at once when it already does, else
 * when it reports the end of its turn, or at the next sweep (a restart, a resume, a lost report).
 * Coder's `/send` keeps its own rule (502 while the agent is busy).
 */

/** How long an input may be with its agent unanswered before its delivery counts as interrupted. */
export const STALE_DELIVERY_SECONDS = 30;
/** How long the sweep leaves a task that cannot take input (paused, starting) before it looks again. */
const INACTIVE_RECHECK_MS = 5000;


export function toTaskInputResponse(row: TaskInput): TaskInputResponse {
  return {
    id: row.id,
    input: row.input,
    // Being delivered is still queued to a reader: it may yet go back in line.
    state: row.state === "delivered" ? "delivered" : "queued",
    created_at: new Date(row.created_at).toISOString(),
    delivered_at: row.delivered_at ? new Date(row.delivered_at).toISOString() : null,
  };
}

/** A task that is broken (or being torn down) takes nothing, as with `/send`; any other waits for its agent. */
function assertQueueable(task: TaskRow) {
  if (task.status === "error" || task.status === "unknown") throw ApiError.badRequest(`Cannot queue input for a task in state ${task.status}.`);
}

/** Queues an input and, when the agent is waiting for input, delivers it before answering. */
export async function queueTaskInput(db: DbOrTx, task: TaskRow, input: string): Promise<TaskInputResponse> {
  assertQueueable(task);
  const queued = await insertTaskInput(db, task.id, input);
  const delivered = await deliverNextInput(db, task).catch((err: unknown) => {
    logger.warn({ err, taskId: task.id }, "delivering a queued input failed; it stays queued");
    return undefined;
  });
  return toTaskInputResponse(delivered?.id === queued.id ? delivered : queued);
}

export async function listTaskInputs(db: DbOrTx, task: TaskRow): Promise<{ inputs: TaskInputResponse[] }> {
  return { inputs: (await selectTaskInputs(db, task.id)).map(toTaskInputResponse) };
}

export async function removeTaskInput(db: DbOrTx, task: TaskRow, id: string): Promise<void> {
  const result = await deleteQueuedTaskInput(db, task.id, id);
  if (result === "missing") throw ApiError.notFound();
  if (result !== "deleted") throw ApiError.conflict("This input has already been delivered to the agent.", "Only a queued input can be removed.");
}

/**
 * Delivers the task's oldest queued input if its agent is waiting for input; answers what it
 * delivered. Crash-safe: the input is claimed (`delivering`, with the conversation's length) before
 * the agent is asked; an agent that refused puts it back; an answer that never came (a timeout, a
 * server that died) is settled later from the agent's conversation by `settleStaleDelivery`.
 */
export async function deliverNextInput(db: DbOrTx, task: TaskRow): Promise<TaskInput | undefined> {
  if (task.status !== "active" || !task.agent_api_url || !task.agent_id) return undefined;
  const agent = createAgentApiClient(agentOf(task));
  if ((await agent.status()).status !== "stable") return undefined;
  const messages = await agent.messages();
  // An agent that has not taken its prompt yet is about to: the prompt goes first.
  if (messages.length === 0) return undefined;
  const claimed = await claimNextTaskInput(db, task.id, messages.length);
  if (!claimed) return undefined;
  await startAgentTurn(db, task.agent_id);
  try {
    await agent.send(claimed.input);
  } catch (e) {
    // It answered no (busy: a direct send got there first): back in line. No answer at all: the
    // input may or may not be in its conversation, which settles it once the claim is stale.
    if (e instanceof AgentUnreachableError && e.status) await requeueTaskInput(db, claimed.id);
    throw e;
  }
  return markTaskInputDelivered(db, claimed.id);
}

/** An input whose delivery never got an answer: delivered if the agent's conversation has it after where it stood, else queued again. */
async function settleStaleDelivery(db: DbOrTx, task: TaskRow): Promise<void> {
  if (task.status !== "active" || !task.agent_api_url) return;
  const stale = await selectStaleDelivery(db, task.id, STALE_DELIVERY_SECONDS);
  if (!stale) return;
  const messages = await createAgentApiClient(agentOf(task)).messages();
  const arrived = messages.some((m) => m.id >= (stale.message_index ?? 0) && m.role === "user" && m.content === stale.input);
  if (arrived) await markTaskInputDelivered(db, stale.id);
  else await requeueTaskInput(db, stale.id);
}

/**
 * One task's queue moved on: an interrupted delivery settled, then the next input delivered if the
 * agent waits. Answers whether the task could take input at all (false: not active, e.g. paused).
 */
export async function advanceTaskInputs(db: DbOrTx, taskId: string): Promise<boolean> {
  if (!(await hasPendingInputs(db, taskId, STALE_DELIVERY_SECONDS))) return true;
  const [task] = await selectTasks(db, { id: taskId });
  if (!task || task.status !== "active") return false;
  await settleStaleDelivery(db, task);
  await deliverNextInput(db, task);
  return true;
}

/**
 * The sweep: every task with an input waiting gets its queue moved on. It is what delivers after a
 * restart or a resume; the end-of-turn report (lib/agents/reports.ts) makes it immediate otherwise.
 * Any number of servers may sweep at once: claims exclude each other in the database.
 */
export function startInputDelivery(db: DbOrTx, everyMs = 2000): Sweep {
  let stopped = false;
  // A task that cannot take input (paused, starting) is looked at again only after a while: its
  // agent says when it is up (an idle report), so the sweep is only the safety net there.
  const restingUntil = new Map<string, number>();
  const sweep = startSweep("queued-input delivery", everyMs, async () => {
    const taskIds = await selectTasksWithPendingInputs(db, STALE_DELIVERY_SECONDS);
    const now = Date.now();
    for (const [id, until] of restingUntil) if (until <= now || !taskIds.includes(id)) restingUntil.delete(id);
    for (const id of taskIds) {
      if (stopped) return;
      if (restingUntil.has(id)) continue;
      const open = await advanceTaskInputs(db, id).catch((err: unknown) => {
        logger.debug({ err, taskId: id }, "queued input not delivered yet");
        return true;
      });
      if (!open) restingUntil.set(id, Date.now() + INACTIVE_RECHECK_MS);
    }
  });
  return {
    stop: async () => {
      stopped = true;
      await sweep.stop();
    },
  };
}
