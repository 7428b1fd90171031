import { ApiError } from "../api/errors";
import { env } from "../env";

/** What stopped a task's model calls (`usage.stopped_by`). */
export type BudgetLimit = "max_cost_usd" | "max_tokens" | "user_daily_max_cost_usd" | "user_daily_max_tokens";

/** A task's own limits: the owner's for every task (TASKYARD_TASK_MAX_*), lowered by the task's `max_cost_usd` parameter. */
export type TaskLimits = { max_cost_usd: number | null; max_tokens: number | null };

const PARAMETER = "max_cost_usd";

/** The task's `max_cost_usd` parameter, if it set one. */
function taskMaxCost(parameters: { name: string; value: string }[]): number | null {
  const value = parameters.find((p) => p.name === PARAMETER)?.value;
  return value ? Number(value) : null;
}

const lowest = (...values: (number | null | undefined)[]) => {
  const set = values.filter((v): v is number => typeof v === "number" && Number.isFinite(v));
  return set.length ? Math.min(...set) : null;
};

export function taskLimits(parameters: { name: string; value: string }[]): TaskLimits {
  const { TASKYARD_TASK_MAX_COST_USD, TASKYARD_TASK_MAX_TOKENS } = env();
  return { max_cost_usd: lowest(TASKYARD_TASK_MAX_COST_USD, taskMaxCost(parameters)), max_tokens: TASKYARD_TASK_MAX_TOKENS ?? null };
}

/** At create: a task may lower its cost limit, never raise it past the owner's; the answer names the field. */
export function assertTaskBudget(parameters: { name: string; value: string }[]) {
  const index = parameters.findIndex((p) => p.name === PARAMETER);
  if (index < 0) return;
  const field = `rich_parameter_values.${index}.value`;
  const text = parameters[index].value.trim();
  if (!/^\d+(\.\d{1,6})?$/.test(text) || Number(text) <= 0) throw ApiError.invalidField(field, "max_cost_usd must be a positive amount in USD (e.g. 2.50)");
  const ceiling = env().TASKYARD_TASK_MAX_COST_USD;
  if (ceiling !== undefined && Number(text) > ceiling) throw ApiError.invalidField(field, `max_cost_usd may be at most ${ceiling} (the server's limit per task)`);
}

/** Spend so far: the task's, and its owner's today (UTC). Tokens are all four counts together. */
export type Spend = { task_cost_usd: number; task_tokens: number; user_day_cost_usd: number; user_day_tokens: number };

/** The first limit `spend` has reached, if any: past it the gateway takes no more calls. */
export function reachedLimit(limits: TaskLimits, spend: Spend): BudgetLimit | null {
  const { TASKYARD_USER_DAILY_MAX_COST_USD: dayCost, TASKYARD_USER_DAILY_MAX_TOKENS: dayTokens } = env();
  if (limits.max_cost_usd !== null && spend.task_cost_usd >= limits.max_cost_usd) return "max_cost_usd";
  if (limits.max_tokens !== null && spend.task_tokens >= limits.max_tokens) return "max_tokens";
  if (dayCost !== undefined && spend.user_day_cost_usd >= dayCost) return "user_daily_max_cost_usd";
  if (dayTokens !== undefined && spend.user_day_tokens >= dayTokens) return "user_daily_max_tokens";
  return null;
}

/** How the refusal reads (Claude Code shows it, and the task's state carries it). */
export function limitMessage(limit: BudgetLimit, limits: TaskLimits): string {
  const { TASKYARD_USER_DAILY_MAX_COST_USD: dayCost, TASKYARD_USER_DAILY_MAX_TOKENS: dayTokens } = env();
  switch (limit) {
    case "max_cost_usd":
      return `Budget reached: this task may spend at most $${limits.max_cost_usd} on the model (max_cost_usd).`;
    case "max_tokens":
      return `Budget reached: this task may use at most ${limits.max_tokens} tokens (max_tokens).`;
    case "user_daily_max_cost_usd":
      return `Budget reached: you may spend at most $${dayCost} a day on the model (the server's daily limit); it resets at 00:00 UTC.`;
    case "user_daily_max_tokens":
      return `Budget reached: you may use at most ${dayTokens} tokens a day (the server's daily limit); it resets at 00:00 UTC.`;
  }
}
