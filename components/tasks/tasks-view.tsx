"use client";

import { lazy, Suspense, useEffect, useId, useState } from "react";
import { isAdmin, useMe } from "@/hooks/use-session";
import { PAGE_SIZE, taskQuery } from "@/hooks/task-query";
import { useTaskFilters } from "@/hooks/use-task-filters";
import { observeTask } from "@/hooks/use-task-stages";
import { taskKeys, useTaskCount, useTasks } from "@/hooks/use-tasks";
import { TaskList } from "./task-list";
import { TaskTabs } from "./task-tabs";

// The prompt box and filters are not needed to paint the list: their code loads in parallel with
// the first list request instead of before the page can render (keeps first-load JS small).
const loadPromptBox = () => import("./task-prompt-box");
const loadFilterBar = () => import("./task-filters");
if (typeof window !== "undefined") {
  void loadPromptBox();
  void loadFilterBar();
}
const TaskPromptBox = lazy(() => loadPromptBox().then((m) => ({ default: m.TaskPromptBox })));
const TaskFilterBar = lazy(() => loadFilterBar().then((m) => ({ default: m.TaskFilterBar })));

/** `/tasks`: the prompt box, the All / Waiting for input tabs, filters and the list. */
export function TasksView({ maxPromptBytes }: { maxPromptBytes: number }) {
  const me = useMe();
  const admin = isAdmin(me.data);
  const { filters, setFilters } = useTaskFilters();
  const waiting = filters.tab === "waiting";
  const q = taskQuery(filters, { waiting });
  const [limit, setLimit] = useState(PAGE_SIZE);
  const list = useTasks(q, limit);
  const waitingCount = useTaskCount(taskQuery(filters, { waiting: true }));
  const panelId = useId();

  // A new view starts again from the first page.
  const [shownQuery, setShownQuery] = useState(q);
  if (shownQuery !== q) {
    setShownQuery(q);
    setLimit(PAGE_SIZE);
  }

  const filtered = filters.status !== undefined || filters.search !== "" || !["me", "all"].includes(filters.owner);
  const data = list.data;
  // While a new filter loads, the previous rows stay (dimmed) instead of flashing a skeleton.
  const stale = list.isPlaceholderData && limit === PAGE_SIZE;

  // Remember when each task was seen entering a stage, for its page's timeline.
  useEffect(() => {
    data?.tasks.forEach((t) => observeTask(t));
  }, [data]);

  useEffect(() => {
    // The count of my waiting tasks goes in front of every title (components/notifications/tab-badge.tsx).
    document.title = waiting ? "Waiting for input · Taskyard" : "Tasks · Taskyard";
  }, [waiting]);

  return (
    <div className="flex flex-col gap-5">
      <h1 className="sr-only">Tasks</h1>
      <Suspense fallback={<PromptBoxPlaceholder />}>
        <TaskPromptBox showVersion={admin} maxPromptBytes={maxPromptBytes} listKey={!waiting && !filtered ? taskKeys.list(q, limit) : undefined} />
      </Suspense>
      <section aria-label="Task list" className="flex flex-col gap-3">
        <div className="flex flex-col gap-3">
          <TaskTabs tab={filters.tab} waitingCount={waitingCount.data} onChange={(tab) => setFilters({ tab })} panelId={panelId} />
          <Suspense fallback={<div className="h-9" />}>
            <TaskFilterBar filters={filters} onChange={setFilters} canFilterOwner={admin} />
          </Suspense>
        </div>
        <div id={panelId} role="tabpanel" aria-labelledby={`tab-${filters.tab}`} className={stale ? "opacity-60 transition-opacity" : ""}>
          <TaskList
            tasks={data?.tasks}
            count={data?.count ?? 0}
            loading={list.isPending}
            error={list.error}
            retrying={list.isFetching}
            onRetry={() => void list.refetch()}
            onLoadMore={() => setLimit((l) => l + PAGE_SIZE)}
            loadingMore={list.isPlaceholderData && limit > PAGE_SIZE}
            empty={filtered ? "filtered" : waiting ? "waiting" : "first-run"}
            onClearFilters={() => setFilters({ status: undefined, search: "", owner: "me" })}
          />
        </div>
      </section>
    </div>
  );
}

function PromptBoxPlaceholder() {
  return (
    <div className="h-[7.25rem] rounded-xl border border-zinc-200 bg-white px-4 pt-3 text-sm text-zinc-400 shadow-sm dark:border-zinc-800 dark:bg-zinc-900 dark:text-zinc-500">
      Prompt your agent…
    </div>
  );
}
