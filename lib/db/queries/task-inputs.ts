import "server-only";
import { sql } from "drizzle-orm";
import type { DbOrTx } from "../client";

/** One queued follow-up as the queue's queries return it. */
export type TaskInput = {
  id: string;
  task_id: string;
  input: string;
  state: "queued" | "delivering" | "delivered";
  message_index: number | null;
  created_at: Date;
  delivered_at: Date | null;
};

const COLUMNS = sql`id, task_id, input, state, message_index, created_at, delivered_at`;
/** The most a task's queue answers with: every undelivered input, then the newest delivered ones. */
const LIST_LIMIT = 200;

export async function insertTaskInput(db: DbOrTx, taskId: string, input: string): Promise<TaskInput> {
  const [row] = await db.execute<TaskInput>(sql`INSERT INTO task_inputs (task_id, input) VALUES (${taskId}, ${input}) RETURNING ${COLUMNS}`);
  return row;
}

/** A task's inputs, oldest first: all still on their way, and the latest delivered ones before them. */
export async function selectTaskInputs(db: DbOrTx, taskId: string): Promise<TaskInput[]> {
  return db.execute<TaskInput>(sql`
    SELECT * FROM (
      SELECT ${COLUMNS} FROM task_inputs WHERE task_id = ${taskId}
      ORDER BY (state = 'delivered'), created_at DESC, id DESC LIMIT ${LIST_LIMIT}) x
    ORDER BY created_at, id`) as unknown as Promise<TaskInput[]>;
}

/**
 * Removes a queued input, in one statement: `deleted`, or why not — `missing` (not this task's) or
 * its state (`delivering`/`delivered`: too late). A claim and a delete of one row exclude each other
 * by its row lock, so a removed input can never reach the agent.
 */
export async function deleteQueuedTaskInput(db: DbOrTx, taskId: string, id: string): Promise<"deleted" | "missing" | "delivering" | "delivered"> {
  const [row] = await db.execute<{ deleted: boolean; state: TaskInput["state"] | null }>(sql`
    WITH d AS (DELETE FROM task_inputs WHERE id = ${id} AND task_id = ${taskId} AND state = 'queued' RETURNING id)
    SELECT EXISTS (SELECT 1 FROM d) AS deleted, (SELECT state FROM task_inputs WHERE id = ${id} AND task_id = ${taskId}) AS state`);
  if (row.deleted) return "deleted";
  if (!row.state) return "missing";
  // Still queued in this statement's snapshot yet not deleted: a claim took it meanwhile.
  return row.state === "queued" ? "delivering" : row.state;
}

/**
 * Takes the task's oldest queued input for delivery (`delivering`, with the agent's conversation
 * length before it), unless another input of the task is already with its agent. Two concurrent
 * claims cannot both win: the partial unique index on `delivering` refuses the second (23505),
 * answered here as nothing to deliver.
 */
export async function claimNextTaskInput(db: DbOrTx, taskId: string, messageIndex: number): Promise<TaskInput | undefined> {
  try {
    const [row] = await db.execute<TaskInput>(sql`
      UPDATE task_inputs SET state = 'delivering', claimed_at = now(), message_index = ${messageIndex}
      WHERE id = (SELECT id FROM task_inputs WHERE task_id = ${taskId} AND state = 'queued' ORDER BY created_at, id LIMIT 1 FOR UPDATE)
        AND NOT EXISTS (SELECT 1 FROM task_inputs WHERE task_id = ${taskId} AND state = 'delivering')
      RETURNING ${COLUMNS}`);
    return row;
  } catch (e) {
    if ((e as { code?: string }).code === "23505") return undefined;
    throw e;
  }
}

/** The agent took it (or its conversation shows it did). */
export async function markTaskInputDelivered(db: DbOrTx, id: string): Promise<TaskInput | undefined> {
  const [row] = await db.execute<TaskInput>(sql`
    UPDATE task_inputs SET state = 'delivered', delivered_at = now() WHERE id = ${id} AND state = 'delivering' RETURNING ${COLUMNS}`);
  return row;
}

/** The agent refused it (or its conversation shows it never arrived): back in line, first. */
export async function requeueTaskInput(db: DbOrTx, id: string): Promise<void> {
  await db.execute(sql`UPDATE task_inputs SET state = 'queued', claimed_at = NULL, message_index = NULL WHERE id = ${id} AND state = 'delivering'`);
}

/** The task's input that has been with its agent longer than `staleSeconds` without an answer, if any. */
export async function selectStaleDelivery(db: DbOrTx, taskId: string, staleSeconds: number): Promise<TaskInput | undefined> {
  const [row] = await db.execute<TaskInput>(sql`
    SELECT ${COLUMNS} FROM task_inputs
    WHERE task_id = ${taskId} AND state = 'delivering' AND claimed_at < now() - make_interval(secs => ${staleSeconds})`);
  return row;
}

/** An input still waiting: queued, or with its agent for longer than `staleSeconds` unanswered (its server died mid-delivery). */
const pending = (staleSeconds: number) =>
  sql`(state = 'queued' OR (state = 'delivering' AND claimed_at < now() - make_interval(secs => ${staleSeconds})))`;

/** Tasks with an input waiting: queued, or delivering for longer than `staleSeconds` (its server died mid-delivery). */
export async function selectTasksWithPendingInputs(db: DbOrTx, staleSeconds: number, limit = 100): Promise<string[]> {
  const rows = await db.execute<{ task_id: string }>(sql`
    SELECT DISTINCT i.task_id FROM task_inputs i JOIN tasks t ON t.id = i.task_id AND t.deleted_at IS NULL
    WHERE ${pending(staleSeconds)}
    LIMIT ${limit}`);
  return rows.map((r) => r.task_id);
}

/** Whether one task has an input waiting (see `selectTasksWithPendingInputs`). */
export async function hasPendingInputs(db: DbOrTx, taskId: string, staleSeconds: number): Promise<boolean> {
  const [row] = await db.execute<{ pending: boolean }>(sql`
    SELECT EXISTS (SELECT 1 FROM task_inputs WHERE task_id = ${taskId} AND ${pending(staleSeconds)}) AS pending`);
  return row.pending;
}
