import type { Task } from "@/lib/sdk/client";

type Usage = Task["usage"];

/** "$1.23" from a dollar up; "$0.0123" / "$0.04" below; "<$0.0001" for crumbs. */
export function formatCost(usd: number): string {
  if (usd >= 1) return `$${usd.toFixed(2)}`;
  if (usd < 0.0001) return "<$0.0001";
  return `$${usd.toFixed(4).replace(/0{1,2}$/, "")}`;
}

/** "950", "12.3k", "4.1M". */
export function formatTokens(n: number): string {
  if (n < 1000) return String(n);
  const [value, unit] = n < 1e6 ? [n / 1e3, "k"] : [n / 1e6, "M"];
  return `${value >= 100 ? Math.round(value) : value.toFixed(1).replace(/\.0$/, "")}${unit}`;
}

/** Everything the model read, cached or not. */
const inputTokens = (u: Usage) => u.input_tokens + u.cache_read_input_tokens + u.cache_creation_input_tokens;

/** "12.3k in · 1.2k out". */
export function tokenSummary(u: Usage): string {
  return `${formatTokens(inputTokens(u))} in · ${formatTokens(u.output_tokens)} out`;
}

function usageDetail(u: Usage): string {
  const n = (x: number) => x.toLocaleString("en");
  return (
    `Cost so far: $${u.cost_usd.toFixed(4)}\n` +
    `Input: ${n(inputTokens(u))} tokens (${n(u.input_tokens)} new, ${n(u.cache_read_input_tokens)} cache read, ${n(u.cache_creation_input_tokens)} cache write)\n` +
    `Output: ${n(u.output_tokens)} tokens`
  );
}

/** Agents that report no usage (echo) have a cost of zero, which is not shown at all. */
export function hasCost(task: Pick<Task, "usage">): boolean {
  return (task.usage?.cost_usd ?? 0) > 0;
}

/** The task's cost for a list row; its tokens in the tooltip. */
export function TaskCost({ task, className = "" }: { task: Pick<Task, "usage">; className?: string }) {
  if (!hasCost(task)) return null;
  return (
    <span data-testid="task-cost" title={usageDetail(task.usage)} className={`tabular-nums ${className}`}>
      {formatCost(task.usage.cost_usd)}
    </span>
  );
}

/** What stopped the model, in words (the gateway's budget limits). */
const STOPPED_BY: Record<NonNullable<Usage["stopped_by"]>, string> = {
  max_cost_usd: "the task's cost limit",
  max_tokens: "the task's token limit",
  max_turn_seconds: "the turn's time limit",
  user_daily_max_cost_usd: "your daily cost limit",
  user_daily_max_tokens: "your daily token limit",
};

/** "of $0.05" when the task has a cost limit. */
export function limitSuffix(u: Usage): string {
  return u.limit?.max_cost_usd != null ? ` of ${formatCost(u.limit.max_cost_usd)}` : "";
}

export function stoppedBy(u: Usage): string | null {
  return u.stopped_by ? `Stopped by ${STOPPED_BY[u.stopped_by]}` : null;
}

/** The task page's cost chip: "$0.0123 of $0.05 · 12.3k in · 1.2k out", the breakdown in the tooltip; what stopped it, if a budget did. */
export function TaskUsage({ task }: { task: Pick<Task, "usage"> }) {
  const stopped = stoppedBy(task.usage);
  if (!hasCost(task) && !stopped) return null;
  return (
    <>
      <span
        data-testid="task-cost"
        title={usageDetail(task.usage)}
        className="inline-block rounded-full border border-zinc-300 px-2 py-0.5 text-xs whitespace-nowrap text-zinc-700 tabular-nums dark:border-zinc-700 dark:text-zinc-300"
      >
        <span className="font-medium">
          {formatCost(task.usage.cost_usd)}
          {limitSuffix(task.usage)}
        </span>{" "}
        <span className="text-zinc-500 dark:text-zinc-400">· {tokenSummary(task.usage)}</span>
      </span>
      {stopped && (
        <span data-testid="task-stopped-by" className="ml-2 inline-block rounded-full bg-amber-100 px-2 py-0.5 text-xs text-amber-900 dark:bg-amber-900/40 dark:text-amber-200">
          {stopped}
        </span>
      )}
    </>
  );
}
