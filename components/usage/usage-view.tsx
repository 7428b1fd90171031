"use client";

import { ChartColumn } from "lucide-react";
import dynamic from "next/dynamic";
import { usePathname, useSearchParams } from "next/navigation";
import { useMemo } from "react";
import { formatCost, formatTokens } from "@/components/tasks/task-cost";
import { ErrorState } from "@/components/ui/error-state";
import { Skeleton } from "@/components/ui/skeleton";
import { isAdmin, useMe } from "@/hooks/use-session";
import { useUsage, type UsageGroup } from "@/hooks/use-usage";
import { DEFAULT_USAGE_PERIOD, lastDays, parseUsagePeriod, USAGE_PERIODS, type UsagePeriod } from "@/lib/usage/period";
import { UsageTable } from "./usage-table";

// The chart library loads after the page's first paint, in its own chunk: the page's first-load JavaScript stays within ui.md's budget.
const UsageChart = dynamic(() => import("./usage-chart").then((m) => m.UsageChart), {
  ssr: false,
  loading: () => <Skeleton className="h-[180px] w-full" />,
});

const sum = (groups: UsageGroup[], field: Exclude<keyof UsageGroup, "key">) => groups.reduce((total, g) => total + g[field], 0);

function PeriodPicker({ value, onChange }: { value: UsagePeriod; onChange: (days: UsagePeriod) => void }) {
  return (
    <div role="group" aria-label="Period" className="inline-flex rounded-md border border-zinc-300 p-0.5 dark:border-zinc-700">
      {USAGE_PERIODS.map((days) => (
        <button
          key={days}
          type="button"
          aria-pressed={value === days}
          onClick={() => onChange(days)}
          className={`h-7 rounded px-2.5 text-xs font-medium ${value === days ? "bg-zinc-900 text-white dark:bg-zinc-100 dark:text-zinc-900" : "text-zinc-700 hover:bg-zinc-100 dark:text-zinc-300 dark:hover:bg-zinc-800"}`}
        >
          Last {days} days
        </button>
      ))}
    </div>
  );
}

function UsageSkeleton() {
  return (
    <div data-testid="usage-loading" className="flex flex-col gap-4">
      <Skeleton className="h-16 w-48" />
      <Skeleton className="h-44 w-full" />
      <Skeleton className="h-32 w-full" />
    </div>
  );
}

/**
 * Model spend as the gateway metered it: the total and cost per day for the period, then by model,
 * by template and (for owners and admins, who see everyone's) by user. Members see their own only.
 */
export function UsageView() {
  // The period lives in the URL (?days=7), so a view can be bookmarked.
  const period = parseUsagePeriod(useSearchParams().get("days"));
  const pathname = usePathname();
  const setPeriod = (days: UsagePeriod) => window.history.replaceState(null, "", days === DEFAULT_USAGE_PERIOD ? pathname : `${pathname}?days=${days}`);
  const range = useMemo(() => lastDays(period), [period]);
  const me = useMe();
  const everyone = isAdmin(me.data);
  const byDay = useUsage({ groupBy: "day", ...range });
  const byModel = useUsage({ groupBy: "model", ...range });
  const byTemplate = useUsage({ groupBy: "template", ...range });
  const byUser = useUsage({ groupBy: "user", ...range, enabled: everyone });
  const queries = everyone ? [byDay, byModel, byTemplate, byUser] : [byDay, byModel, byTemplate];
  const failed = queries.find((q) => q.error);

  let body: React.ReactNode;
  if (failed) {
    body = <ErrorState title="Could not load usage" error={failed.error} onRetry={() => queries.forEach((q) => q.error && q.refetch())} retrying={failed.isFetching} />;
  } else if (!me.data || queries.some((q) => !q.data)) {
    body = <UsageSkeleton />;
  } else if (byDay.data!.length === 0) {
    body = (
      <div className="flex flex-col items-center gap-2 rounded-lg border border-dashed border-zinc-300 px-4 py-12 text-center dark:border-zinc-700">
        <ChartColumn aria-hidden className="size-6 text-zinc-400" />
        <h2 className="font-medium">No model usage yet — the model gateway records every call Claude Code makes</h2>
        <p className="text-sm text-zinc-500 dark:text-zinc-400">Nothing was metered in the last {period} days{everyone ? "" : " for your tasks"}.</p>
      </div>
    );
  } else {
    const days = byDay.data!;
    const tokens = sum(days, "input_tokens") + sum(days, "cache_read_input_tokens") + sum(days, "cache_creation_input_tokens");
    body = (
      <div className="flex flex-col gap-4">
        <section aria-labelledby="usage-total" className="rounded-xl border border-zinc-200 bg-white p-4 dark:border-zinc-800 dark:bg-zinc-900">
          <h2 id="usage-total" className="text-sm text-zinc-500 dark:text-zinc-400">
            Total spend, last {period} days{everyone ? " (everyone)" : ""}
          </h2>
          <p data-testid="usage-total" className="mt-1 text-3xl font-semibold tabular-nums">
            {formatCost(sum(days, "cost_usd"))}
          </p>
          <p className="text-sm text-zinc-500 tabular-nums dark:text-zinc-400">
            {formatTokens(tokens)} in · {formatTokens(sum(days, "output_tokens"))} out
          </p>
          <div className="mt-4">
            <UsageChart days={range.days} groups={days} />
          </div>
        </section>
        <UsageTable title="By model" keyLabel="Model" groups={byModel.data!} />
        <UsageTable title="By template" keyLabel="Template" groups={byTemplate.data!} />
        {everyone && <UsageTable title="By user" keyLabel="User" groups={byUser.data!} />}
      </div>
    );
  }

  return (
    <div className="flex flex-col gap-5">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h1 className="text-xl font-semibold">Usage</h1>
        <PeriodPicker value={period} onChange={setPeriod} />
      </div>
      {body}
    </div>
  );
}
