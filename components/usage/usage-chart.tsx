import { formatCost } from "@/components/tasks/task-cost";
import type { UsageGroup } from "@/hooks/use-usage";

const HEIGHT = 100;

/** "Dec 7" for a UTC day "2026-12-07". */
const shortDay = (day: string) => new Date(`${day}T00:00:00Z`).toLocaleDateString("en", { month: "short", day: "numeric", timeZone: "UTC" });

/**
 * Cost per day as bars, one slot per day of the period (days without spend stay empty). Plain SVG:
 * a few dozen rectangles need no chart library, and this page's JavaScript stays small.
 */
export function UsageChart({ days, groups }: { days: string[]; groups: UsageGroup[] }) {
  const costByDay = new Map(groups.map((g) => [g.key, g.cost_usd]));
  const max = Math.max(0, ...groups.map((g) => g.cost_usd));
  const slot = 100 / days.length;
  const gap = Math.min(slot * 0.2, 1);
  return (
    <figure className="flex flex-col gap-1">
      <div className="flex items-stretch gap-2">
        <div className="flex w-14 shrink-0 flex-col justify-between text-right text-xs text-zinc-500 tabular-nums dark:text-zinc-400">
          <span>{max > 0 ? formatCost(max) : "$0"}</span>
          <span>$0</span>
        </div>
        <svg
          role="img"
          aria-label={`Cost per day, ${shortDay(days[0])} to ${shortDay(days[days.length - 1])}`}
          viewBox={`0 0 100 ${HEIGHT}`}
          preserveAspectRatio="none"
          className="h-40 w-full border-b border-l border-zinc-200 dark:border-zinc-800"
        >
          {days.map((day, i) => {
            const cost = costByDay.get(day) ?? 0;
            if (cost <= 0 || max <= 0) return null;
            const h = Math.max((cost / max) * HEIGHT, 0.5);
            return (
              <rect
                key={day}
                data-testid="usage-bar"
                data-day={day}
                x={i * slot + gap / 2}
                y={HEIGHT - h}
                width={slot - gap}
                height={h}
                className="fill-sky-500 hover:fill-sky-600 dark:fill-sky-400"
              >
                <title>{`${shortDay(day)}: ${formatCost(cost)}`}</title>
              </rect>
            );
          })}
        </svg>
      </div>
      <figcaption className="flex justify-between pl-16 text-xs text-zinc-500 dark:text-zinc-400">
        <span>{shortDay(days[0])}</span>
        <span>{shortDay(days[days.length - 1])}</span>
      </figcaption>
    </figure>
  );
}
