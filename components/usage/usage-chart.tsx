"use client";

import { AxisBottom, AxisLeft } from "@visx/axis";
import { Group } from "@visx/group";
import { scaleBand, scaleLinear } from "@visx/scale";
import { Bar } from "@visx/shape";
import { useEffect, useRef, useState } from "react";
import { formatCost } from "@/components/tasks/task-cost";
import type { UsageGroup } from "@/hooks/use-usage";

const HEIGHT = 180;
const MARGIN = { top: 8, right: 8, bottom: 24, left: 56 };

/** "Dec 7" for a UTC day "2026-12-07". */
const shortDay = (day: string) => new Date(`${day}T00:00:00Z`).toLocaleDateString("en", { month: "short", day: "numeric", timeZone: "UTC" });

/** The width the element is given by its layout, following it as the window resizes. */
function useWidth<T extends Element>() {
  const ref = useRef<T>(null);
  const [width, setWidth] = useState(0);
  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    const observer = new ResizeObserver(([entry]) => setWidth(Math.floor(entry.contentRect.width)));
    observer.observe(element);
    return () => observer.disconnect();
  }, []);
  return [ref, width] as const;
}

/**
 * Cost per day as bars, one slot per day of the period (days without spend stay empty), with a
 * cost axis and the period's days below. visx (scales, bars, axes as SVG) keeps it small: this
 * page stays within the dashboard's JavaScript budget (e2e/usage.spec.ts measures it).
 */
export function UsageChart({ days, groups }: { days: string[]; groups: UsageGroup[] }) {
  const [ref, width] = useWidth<HTMLDivElement>();
  const costByDay = new Map(groups.map((g) => [g.key, g.cost_usd]));
  const max = Math.max(0, ...groups.map((g) => g.cost_usd));
  const innerWidth = Math.max(0, width - MARGIN.left - MARGIN.right);
  const innerHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const x = scaleBand<string>({ domain: days, range: [0, innerWidth], padding: 0.2 });
  const y = scaleLinear<number>({ domain: [0, max > 0 ? max : 1], range: [innerHeight, 0], nice: true });
  // A label every few days, as many as fit (about one per 56 px).
  const every = Math.max(1, Math.ceil(days.length / Math.max(1, Math.floor(innerWidth / 56))));
  const tick = "fill-zinc-500 text-[11px] dark:fill-zinc-400";
  return (
    <figure ref={ref} className="w-full">
      {width > 0 && (
        <svg role="img" aria-label={`Cost per day, ${shortDay(days[0])} to ${shortDay(days[days.length - 1])}`} width={width} height={HEIGHT}>
          <Group left={MARGIN.left} top={MARGIN.top}>
            {days.map((day) => {
              const cost = costByDay.get(day) ?? 0;
              if (cost <= 0) return null;
              const top = Math.min(y(cost), innerHeight - 1);
              return (
                <Bar key={day} data-testid="usage-bar" data-day={day} x={x(day)} y={top} width={x.bandwidth()} height={innerHeight - top} className="fill-sky-500 hover:fill-sky-600 dark:fill-sky-400">
                  <title>{`${shortDay(day)}: ${formatCost(cost)}`}</title>
                </Bar>
              );
            })}
            <AxisLeft scale={y} numTicks={4} tickFormat={(v) => (Number(v) === 0 ? "$0" : formatCost(Number(v)))} hideTicks axisLineClassName="stroke-zinc-200 dark:stroke-zinc-800" tickLabelProps={{ className: tick }} />
            <AxisBottom
              top={innerHeight}
              scale={x}
              tickValues={days.filter((_, i) => i % every === 0)}
              tickFormat={shortDay}
              hideTicks
              axisLineClassName="stroke-zinc-200 dark:stroke-zinc-800"
              tickLabelProps={{ className: tick }}
            />
          </Group>
        </svg>
      )}
    </figure>
  );
}
