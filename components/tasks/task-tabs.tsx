"use client";

import type { TaskFilters } from "@/hooks/task-query";
import { Tabs } from "@/components/ui/tabs";

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
  return (
    <Tabs
      label="Task views"
      tabs={[
        { value: "all", label: "All" },
        { value: "waiting", label: "Waiting for input", count: waitingCount },
      ]}
      value={tab}
      onChange={onChange}
      panelId={() => panelId}
    />
  );
}
