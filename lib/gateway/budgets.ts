import { ApiError } from "../api/errors";
import type { TemplateConfig } from "../db/schema";
import { env } from "../env";

/** What stopped a task's model calls (`usage.stopped_by`). */
export type BudgetLimit = "max_cost_usd" | "max_tokens" | "max_turn_seconds" | "user_daily_max_cost_usd" | "user_daily_max_tokens";

/** A task's own limits: the lowest of the owner's for every task (TASKYARD_TASK_MAX_*, TASKYARD_TURN_MAX_SECONDS), its template's `budget`, and its own `max_cost_usd`. */
export type TaskLimits = { max_cost_usd: number | null; max_tokens: number | null; max_turn_seconds: number | null };

type Parameters = { name: string; value: string }[];
type Budget = TemplateConfig["budget"];

const PARAMETER = "max_cost_usd";

/** The task's `max_cost_usd` parameter, if it set one. */
function taskMaxCost(parameters: Parameters): number | null {
  const value = parameters.find((p) => p.name === PARAMETER)?.value;
  return value ? Number(value) : null;
}

const lowest = (...values: (number | null | undefined)[]) => {
  const set = values.filter((v): v is number => typeof v === "number" && Number.isFinite(v) && v > 0);
  return set.length ? Math.min(...set) : null;
};

export function taskLimits(parameters: Parameters, budget: Budget | null | undefined): TaskLimits {
  const { TASKYARD_TASK_MAX_COST_USD, TASKYARD_TASK_MAX_TOKENS, TASKYARD_TURN_MAX_SECONDS } = env();
  return {
    max_cost_usd: lowest(TASKYARD_TASK_MAX_COST_USD, budget?.max_cost_usd, taskMaxCost(parameters)),
    max_tokens: lowest(TASKYARD_TASK_MAX_TOKENS, budget?.max_tokens),
    max_turn_seconds: lowest(TASKYARD_TURN_MAX_SECONDS, budget?.max_turn_seconds),
  };
}

/** At create: a task may lower its cost limit, never raise it past the owner's or its template's; the answer names the field. */
export function assertTaskBudget(parameters: Parameters, budget: Budget | null | undefined) {
  const index = parameters.findIndex((p) => p.name === PARAMETER);
  if (index < 0) return;
  const field = `rich_parameter_values.${index}.value`;
  const text = parameters[index].value.trim();
  if (!/^\d+(\.\d{1,6})?$/.test(text) || Number(text) <= 0) throw ApiError.invalidField(field, "max_cost_usd must be a positive amount in USD (e.g. 2.50)");
  const ceiling = taskLimits([], budget).max_cost_usd;
  if (ceiling !== null && Number(text) > ceiling) throw ApiError.invalidField(field, `max_cost_usd may be at most ${ceiling} (the limit per task)`);
}

/** Spend so far: the task's, the running turn's time, and its owner's today (UTC). Tokens are all four counts together. */
export type Spend = { task_cost_usd: number; task_tokens: number; turn_seconds: number; user_day_cost_usd: number; user_day_tokens: number };

/** The first limit `spend` has reached, if any: past it the gateway takes no more calls. */
export function reachedLimit(limits: TaskLimits, spend: Spend): BudgetLimit | null {
  const { TASKYARD_USER_DAILY_MAX_COST_USD: dayCost, TASKYARD_USER_DAILY_MAX_TOKENS: dayTokens } = env();
  if (limits.max_cost_usd !== null && spend.task_cost_usd >= limits.max_cost_usd) return "max_cost_usd";
  if (limits.max_tokens !== null && spend.task_tokens >= limits.max_tokens) return "max_tokens";
  if (limits.max_turn_seconds !== null && spend.turn_seconds >= limits.max_turn_seconds) return "max_turn_seconds";
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
    case "max_turn_seconds":
      return `Budget reached: a turn may call the model for at most ${limits.max_turn_seconds} s (max_turn_seconds); send a message to start a new turn.`;
    case "user_daily_max_cost_usd":
      return `Budget reached: you may spend at most $${dayCost} a day on the model (the server's daily limit); it resets at 00:00 UTC.`;
    case "user_daily_max_tokens":
      return `Budget reached: you may use at most ${dayTokens} tokens a day (the server's daily limit); it resets at 00:00 UTC.`;
  }
}
