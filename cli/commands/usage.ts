import { Command, InvalidArgumentError, Option } from "commander";
import type { UsageGroup } from "../../lib/sdk/client";
import { lastDays } from "../../lib/usage/period";
import { USAGE_GROUPS } from "../../lib/validation/usage";
import { withExamples } from "../help";
import { printJson, renderTable } from "../output";
import { loggedInClient } from "../session";
import { doing } from "../task-ref";

type Options = { by: (typeof USAGE_GROUPS)[number]; from?: string; to?: string; days: number; output: "table" | "json" };

const positiveInteger = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError("must be a whole number of days, 1 or more");
  return n;
};

const tokens = (n: number) => n.toLocaleString("en");
const cost = (usd: number) => `$${usd.toFixed(4)}`;

function row(key: string, g: Omit<UsageGroup, "key">): string[] {
  return [key, tokens(g.input_tokens), tokens(g.output_tokens), tokens(g.cache_read_input_tokens), tokens(g.cache_creation_input_tokens), cost(g.cost_usd)];
}

function total(groups: UsageGroup[]): Omit<UsageGroup, "key"> {
  const sum = (field: Exclude<keyof UsageGroup, "key">) => groups.reduce((t, g) => t + g[field], 0);
  return {
    input_tokens: sum("input_tokens"),
    output_tokens: sum("output_tokens"),
    cache_read_input_tokens: sum("cache_read_input_tokens"),
    cache_creation_input_tokens: sum("cache_creation_input_tokens"),
    cost_usd: sum("cost_usd"),
  };
}

/** `taskyard usage`: model spend as the gateway metered it (everyone's for owners and admins, your own otherwise). */
export function registerUsage(program: Command) {
  const command = program
    .command("usage")
    .description("Show model spend (tokens and cost) as the model gateway metered it: everyone's for owners and admins, your own otherwise")
    .addOption(new Option("--by <grouping>", "group by").choices(USAGE_GROUPS).default("day"))
    .option("--from <date>", "first UTC day included (YYYY-MM-DD); with --from or --to, --days is ignored")
    .option("--to <date>", "last UTC day included (YYYY-MM-DD)")
    .option("--days <n>", "the last N UTC days, today included", positiveInteger, 30)
    .addOption(new Option("-o, --output <format>", "output format").choices(["table", "json"]).default("table"))
    .action(async (opts: Options) => {
      const range = opts.from || opts.to ? { from: opts.from, to: opts.to } : (({ from, to }) => ({ from, to }))(lastDays(opts.days));
      const answer = await doing("get usage", (await loggedInClient()).usage({ group_by: opts.by, ...range }));
      if (opts.output === "json") return printJson(answer);
      const { groups } = answer;
      const period = `${range.from ?? "the beginning"} to ${range.to ?? "today"}`;
      if (groups.length === 0) return console.error(`No model usage from ${period}.`);
      console.log(renderTable([opts.by, "input", "output", "cache read", "cache write", "cost"], [...groups.map((g) => row(g.key, g)), row("TOTAL", total(groups))]));
    });
  withExamples(command, [
    ["Spend per day over the last 30 days", "taskyard usage"],
    ["Spend per model over the last 7 days", "taskyard usage --by model --days 7"],
    ["Spend per user in November (owners and admins see everyone)", "taskyard usage --by user --from 2026-11-01 --to 2026-11-30"],
    ["As JSON, for scripts", "taskyard usage --by template -o json"],
  ]);
}
