import "server-only";
import { sql } from "drizzle-orm";
import type { DbOrTx } from "../client";
import type { TemplateConfig } from "../schema";

/**
 * Who holds a gateway key: its agent and task, whether the key still works (the agent is its
 * workspace's current one, which is started), and what the budgets need: the task's parameters and
 * spend, and its owner's spend today (UTC; summed only when a daily limit needs it: it reads every
 * call the owner made today). One query per model call.
 */
export type GatewayCaller = {
  agent_id: string;
  task_id: string;
  /** The turn the call belongs to: its agent's current one (`workspace_agents.turn_id`). */
  turn_id: string;
  usable: boolean;
  parameters: { name: string; value: string }[];
  /** The models its template allows (null: any), and its budget. */
  models: string[] | null;
  budget: TemplateConfig["budget"] | null;
  /** How long ago the current turn made its first call (0 for its first call). */
  turn_seconds: number;
  stopped_by: string | null;
  task_cost_usd: number;
  task_tokens: number;
  user_day_cost_usd: number;
  user_day_tokens: number;
};

export async function findGatewayCaller(db: DbOrTx, keyHash: string, { withDailySpend }: { withDailySpend: boolean }): Promise<GatewayCaller | undefined> {
  const rows = await db.execute<GatewayCaller>(sql`
    SELECT a.id AS agent_id, t.id AS task_id, a.turn_id, coalesce(p.parameters, '[]'::jsonb) || t.parameters AS parameters, tv.config->'models' AS models, tv.config->'budget' AS budget, t.stopped_by,
           coalesce(extract(epoch FROM now() - (SELECT min(m.created_at) FROM model_calls m WHERE m.task_id = t.id AND m.turn_id = a.turn_id::text)), 0)::float8 AS turn_seconds,
           NOT EXISTS (SELECT 1 FROM workspace_agents n WHERE n.workspace_id = a.workspace_id AND n.created_at > a.created_at)
           AND (SELECT b.transition FROM workspace_builds b WHERE b.workspace_id = a.workspace_id ORDER BY b.build_number DESC LIMIT 1) = 'start' AS usable,
           t.cost_usd::float8 AS task_cost_usd,
           (t.input_tokens + t.output_tokens + t.cache_read_input_tokens + t.cache_creation_input_tokens)::float8 AS task_tokens,
           coalesce(day.cost, 0)::float8 AS user_day_cost_usd, coalesce(day.tokens, 0)::float8 AS user_day_tokens
    FROM workspace_agents a
    JOIN tasks t ON t.workspace_id = a.workspace_id AND t.deleted_at IS NULL
    JOIN template_versions tv ON tv.id = t.template_version_id
    LEFT JOIN template_version_presets p ON p.id = t.template_version_preset_id
    LEFT JOIN LATERAL (
      SELECT sum(m.cost_usd) AS cost, sum(m.input_tokens + m.output_tokens + m.cache_read_input_tokens + m.cache_creation_input_tokens) AS tokens
      FROM tasks o JOIN model_calls m ON m.task_id = o.id
      WHERE ${withDailySpend} AND o.owner_id = t.owner_id AND m.created_at >= date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC') day ON true
    WHERE a.gateway_key_hash = ${keyHash}`);
  return rows[0];
}

/**
 * The server delivers an input to the task's agent: a new turn starts, with its own clock for
 * `max_turn_seconds` (every delivery goes through here; the agent's first turn starts with it). Its
 * time is user activity: it restarts the idle auto-pause clock (lib/db/queries/auto-pause.ts).
 */
export async function startAgentTurn(db: DbOrTx, agentId: string): Promise<void> {
  await db.execute(sql`UPDATE workspace_agents SET turn_id = gen_random_uuid(), turn_started_at = now() WHERE id = ${agentId}`);
}

/** Says (or stops saying) which budget limit stopped the task's model calls; writes only on a change. */
export async function setStoppedBy(db: DbOrTx, taskId: string, limit: string | null): Promise<void> {
  await db.execute(sql`UPDATE tasks SET stopped_by = ${limit}, updated_at = now() WHERE id = ${taskId} AND stopped_by IS DISTINCT FROM ${limit}`);
}

export type CallUsage = { input_tokens: number; output_tokens: number; cache_read_input_tokens: number; cache_creation_input_tokens: number; cost_usd: number };

/** Records a call's first usage (its `message_start`) and adds it to its task's totals, in one statement; answers the call's id. */
export async function insertModelCall(db: DbOrTx, call: { taskId: string; agentId: string; turnId: string | null; model: string }, u: CallUsage): Promise<string> {
  const [row] = await db.execute<{ id: string }>(sql`
    WITH call AS (
      INSERT INTO model_calls (task_id, agent_id, turn_id, model, input_tokens, output_tokens, cache_read_input_tokens, cache_creation_input_tokens, cost_usd)
      VALUES (${call.taskId}, ${call.agentId}, ${call.turnId}, ${call.model}, ${u.input_tokens}, ${u.output_tokens}, ${u.cache_read_input_tokens}, ${u.cache_creation_input_tokens}, ${u.cost_usd})
      RETURNING id, task_id),
    task AS (${addToTask(u)} FROM call WHERE t.id = call.task_id)
    SELECT id FROM call`);
  return row.id;
}

/** Adds what a call used since it was last written (a `message_delta`) to the call and its task, in one statement. */
export async function growModelCall(db: DbOrTx, callId: string, u: CallUsage): Promise<void> {
  await db.execute(sql`
    WITH call AS (
      UPDATE model_calls SET
        input_tokens = input_tokens + ${u.input_tokens}, output_tokens = output_tokens + ${u.output_tokens},
        cache_read_input_tokens = cache_read_input_tokens + ${u.cache_read_input_tokens},
        cache_creation_input_tokens = cache_creation_input_tokens + ${u.cache_creation_input_tokens},
        cost_usd = cost_usd + ${u.cost_usd}, updated_at = now()
      WHERE id = ${callId} RETURNING task_id)
    ${addToTask(u)} FROM call WHERE t.id = call.task_id`);
}

function addToTask(u: CallUsage) {
  return sql`UPDATE tasks t SET
      input_tokens = t.input_tokens + ${u.input_tokens}, output_tokens = t.output_tokens + ${u.output_tokens},
      cache_read_input_tokens = t.cache_read_input_tokens + ${u.cache_read_input_tokens},
      cache_creation_input_tokens = t.cache_creation_input_tokens + ${u.cache_creation_input_tokens},
      cost_usd = t.cost_usd + ${u.cost_usd}, updated_at = now()`;
}
