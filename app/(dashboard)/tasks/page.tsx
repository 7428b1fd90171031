import type { Metadata } from "next";
import { preload } from "react-dom";
import { api } from "@/hooks/api-client";
import { env } from "@/lib/env";
import { PAGE_SIZE, parseTaskFilters, taskQuery } from "@/hooks/task-query";
import { TasksView } from "@/components/tasks/tasks-view";

export const metadata: Metadata = { title: "Tasks · Taskyard" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

/**
 * Rendered per request (it reads the URL), so the view hydrates in one pass with its filters, and
 * the browser starts the page's two critical requests — the list and `me` — while the scripts
 * are still loading. The list's own fetch then finds the preloaded response.
 */
export default async function TasksPage({ searchParams }: { searchParams: SearchParams }) {
  const raw = await searchParams;
  const params = new URLSearchParams(Object.entries(raw).flatMap(([k, v]) => (typeof v === "string" ? [[k, v]] : [])));
  const filters = parseTaskFilters(params);
  preload(api.tasksPath(taskQuery(filters, { waiting: filters.tab === "waiting" }), { limit: PAGE_SIZE }), { as: "fetch", crossOrigin: "anonymous" });
  preload(api.mePath(), { as: "fetch", crossOrigin: "anonymous" });
  // The prompt limit is the server's setting: the box shows a prompt's size against it.
  return <TasksView maxPromptBytes={env().TASKYARD_MAX_PROMPT_BYTES} />;
}
