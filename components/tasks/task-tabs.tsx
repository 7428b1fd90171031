"use client";

import { useRef } from "react";
import type { TaskFilters } from "@/hooks/task-query";

/** All / Waiting for input, as an ARIA tab list (arrow keys move between tabs). */
export function TaskTabs({
  tab,
  waitingCount,
  onChange,
  panelId,
}: {
  tab: TaskFilters["tab"];
  waitingCount: number | undefined;
  onChange: (tab: TaskFilters["tab"]) => void;
  panelId: string;
}) {
  const tabs = [
    { value: "all" as const, label: "All" },
    { value: "waiting" as const, label: "Waiting for input", count: waitingCount },
  ];
  const refs = useRef<(HTMLButtonElement | null)[]>([]);
  return (
    <div role="tablist" aria-label="Task views" className="flex gap-1 border-b border-zinc-200 dark:border-zinc-800">
      {tabs.map((t, i) => {
        const selected = t.value === tab;
        return (
          <button
            key={t.value}
            ref={(el) => {
              refs.current[i] = el;
            }}
            type="button"
            role="tab"
            id={`tab-${t.value}`}
            aria-selected={selected}
            aria-controls={panelId}
            tabIndex={selected ? 0 : -1}
            onClick={() => onChange(t.value)}
            onKeyDown={(e) => {
              if (e.key !== "ArrowRight" && e.key !== "ArrowLeft") return;
              e.preventDefault();
              const next = (i + (e.key === "ArrowRight" ? 1 : -1) + tabs.length) % tabs.length;
              refs.current[next]?.focus();
              onChange(tabs[next].value);
            }}
            className={`-mb-px flex items-center gap-2 border-b-2 px-3 py-2 text-sm font-medium ${
              selected
                ? "border-zinc-900 text-zinc-900 dark:border-zinc-100 dark:text-zinc-100"
                : "border-transparent text-zinc-500 hover:text-zinc-800 dark:text-zinc-400 dark:hover:text-zinc-200"
            }`}
          >
            {t.label}
            {t.count !== undefined && (
              <span
                className={`rounded-full px-1.5 py-px text-xs tabular-nums ${
                  t.count > 0 ? "bg-green-600 text-white dark:bg-green-500 dark:text-zinc-950" : "bg-zinc-200 text-zinc-600 dark:bg-zinc-800 dark:text-zinc-400"
                }`}
              >
                <span className="sr-only">(</span>
                {t.count}
                <span className="sr-only">)</span>
              </span>
            )}
          </button>
        );
      })}
    </div>
  );
}
