import { formatCost, formatTokens } from "@/components/tasks/task-cost";
import type { UsageGroup } from "@/hooks/use-usage";

/** One grouping of the spend as a table: tokens by kind and cost, highest cost first (the API's order); cache columns from `sm` up. */
export function UsageTable({ title, keyLabel, groups }: { title: string; keyLabel: string; groups: UsageGroup[] }) {
  const id = `usage-by-${keyLabel.toLowerCase()}`;
  return (
    <section aria-labelledby={id} className="rounded-xl border border-zinc-200 bg-white p-4 dark:border-zinc-800 dark:bg-zinc-900">
      <h2 id={id} className="text-sm font-semibold">
        {title}
      </h2>
      {groups.length === 0 ? (
        <p className="mt-2 text-sm text-zinc-500 dark:text-zinc-400">Nothing in this period.</p>
      ) : (
        <div className="mt-2 overflow-x-auto">
          <table aria-labelledby={id} className="w-full table-fixed text-sm tabular-nums">
            <thead className="text-left text-xs text-zinc-500 dark:text-zinc-400">
              <tr>
                <th scope="col" className="w-1/3 py-1 pr-3 font-medium">
                  {keyLabel}
                </th>
                <th scope="col" className="py-1 pr-3 text-right font-medium">
                  Input
                </th>
                <th scope="col" className="py-1 pr-3 text-right font-medium">
                  Output
                </th>
                <th scope="col" className="hidden py-1 pr-3 text-right font-medium sm:table-cell">
                  Cache read
                </th>
                <th scope="col" className="hidden py-1 pr-3 text-right font-medium sm:table-cell">
                  Cache write
                </th>
                <th scope="col" className="py-1 text-right font-medium">
                  Cost
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
              {groups.map((g) => (
                <tr key={g.key}>
                  <th scope="row" title={g.key} className="truncate py-1.5 pr-3 text-left font-normal">
                    {g.key}
                  </th>
                  <td className="py-1.5 pr-3 text-right">{formatTokens(g.input_tokens)}</td>
                  <td className="py-1.5 pr-3 text-right">{formatTokens(g.output_tokens)}</td>
                  <td className="hidden py-1.5 pr-3 text-right sm:table-cell">{formatTokens(g.cache_read_input_tokens)}</td>
                  <td className="hidden py-1.5 pr-3 text-right sm:table-cell">{formatTokens(g.cache_creation_input_tokens)}</td>
                  <td className="py-1.5 text-right font-medium">{g.cost_usd > 0 ? formatCost(g.cost_usd) : "$0"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
