import "server-only";
import { sql } from "drizzle-orm";
import { canReadAll, type Caller } from "../auth/roles";
import type { DbOrTx } from "../db/client";
import type { UsageQuery } from "../validation/usage";

export type UsageGroup = { key: string; input_tokens: number; output_tokens: number; cache_read_input_tokens: number; cache_creation_input_tokens: number; cost_usd: number };

const KEY = {
  user: sql`u.username`,
  template: sql`tpl.name`,
  model: sql`m.model`,
  day: sql`to_char(m.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')`,
} as const;

/**
 * Model spend as the gateway metered it (every call, deleted tasks' too), grouped: everyone's for
 * an owner or admin, one's own for a member. One query; days in UTC; groups by cost, or by day in order.
 */
export async function spendBy(db: DbOrTx, caller: Caller, query: UsageQuery): Promise<UsageGroup[]> {
  const key = KEY[query.group_by];
  const rows = await db.execute<UsageGroup & { cost_usd: string }>(sql`
    SELECT ${key} AS key,
           sum(m.input_tokens)::float8 AS input_tokens, sum(m.output_tokens)::float8 AS output_tokens,
           sum(m.cache_read_input_tokens)::float8 AS cache_read_input_tokens,
           sum(m.cache_creation_input_tokens)::float8 AS cache_creation_input_tokens,
           sum(m.cost_usd) AS cost_usd
    FROM model_calls m
    JOIN tasks t ON t.id = m.task_id
    JOIN users u ON u.id = t.owner_id
    JOIN template_versions tv ON tv.id = t.template_version_id
    JOIN templates tpl ON tpl.id = tv.template_id
    WHERE ${canReadAll(caller) ? sql`true` : sql`t.owner_id = ${caller.id}`}
      ${query.from ? sql`AND m.created_at >= ${`${query.from}T00:00:00Z`}::timestamptz` : sql``}
      ${query.to ? sql`AND m.created_at < (${`${query.to}T00:00:00Z`}::timestamptz + interval '1 day')` : sql``}
    GROUP BY 1
    ORDER BY ${query.group_by === "day" ? sql`1` : sql`sum(m.cost_usd) DESC, 1`}`);
  return rows.map((r) => ({ ...r, cost_usd: Number(r.cost_usd) }));
}
