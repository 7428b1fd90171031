"use client";

import { useRef } from "react";

/** `count` shows as a badge: green while above zero (something waits), unless `neutral`. */
export type TabItem<T extends string> = { value: T; label: string; count?: number; neutral?: boolean };

/** The id of a tab's button, for its panel's `aria-labelledby`. */
export const tabId = (prefix: string, value: string) => `${prefix}-${value}`;

/** An ARIA tab list, underlined; arrow keys move between tabs. A count shows as a badge. */
export function Tabs<T extends string>({
  tabs,
  value,
  onChange,
  label,
  idPrefix = "tab",
  panelId,
}: {
  tabs: TabItem<T>[];
  value: T;
  onChange: (value: T) => void;
  label: string;
  idPrefix?: string;
  /** The id of the panel each tab controls. */
  panelId: (value: T) => string;
}) {
  const refs = useRef<(HTMLButtonElement | null)[]>([]);
  return (
    <div role="tablist" aria-label={label} className="flex gap-1 border-b border-zinc-200 dark:border-zinc-800">
      {tabs.map((t, i) => {
        const selected = t.value === value;
        return (
          <button
            key={t.value}
            ref={(el) => {
              refs.current[i] = el;
            }}
            type="button"
            role="tab"
            id={tabId(idPrefix, t.value)}
            aria-selected={selected}
            aria-controls={panelId(t.value)}
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
                  t.count > 0 && !t.neutral ? "bg-green-600 text-white dark:bg-green-500 dark:text-zinc-950" : "bg-zinc-200 text-zinc-600 dark:bg-zinc-800 dark:text-zinc-400"
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
