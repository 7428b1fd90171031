import type { TaskStatus } from "@/lib/sdk/client";

/** Plain functions shared by the list (in the browser) and its page (on the server). */

export const PAGE_SIZE = 50;
export const TASK_STATUSES: TaskStatus[] = ["pending", "initializing", "active", "paused", "unknown", "error"];

export type TaskFilters = {
  tab: "all" | "waiting";
  /** "me" (the default), "all", or a username. */
  owner: string;
  status?: TaskStatus;
  search: string;
};

type Params = { get(name: string): string | null };

/** The list's filters from the URL: `?tab=waiting&owner=all&status=active&search=login`. */
export function parseTaskFilters(params: Params): TaskFilters {
  const status = params.get("status") as TaskStatus | null;
  return {
    tab: params.get("tab") === "waiting" ? "waiting" : "all",
    owner: params.get("owner") || "me",
    status: status && TASK_STATUSES.includes(status) ? status : undefined,
    search: params.get("search") ?? "",
  };
}

export function filtersToSearch(filters: TaskFilters): string {
  const search = new URLSearchParams();
  if (filters.tab === "waiting") search.set("tab", "waiting");
  if (filters.owner && filters.owner !== "me") search.set("owner", filters.owner);
  if (filters.status) search.set("status", filters.status);
  if (filters.search.trim()) search.set("search", filters.search.trim());
  return search.toString();
}

/**
 * The API's `q` for a set of filters. "Waiting for input" means the agent is idle on a running
 * task, so unless a status is chosen it also asks for `status:active`.
 */
export function taskQuery(filters: Omit<TaskFilters, "tab">, { waiting = false } = {}): string {
  const terms: string[] = [];
  if (filters.owner !== "all") terms.push(`owner:${filters.owner}`);
  const status = filters.status ?? (waiting ? "active" : undefined);
  if (status) terms.push(`status:${status}`);
  if (waiting) terms.push("state:idle");
  // The query language has no escapes inside quotes; a quote in the text would end the value.
  const text = filters.search.replace(/"/g, " ").trim();
  if (text) terms.push(`search:"${text}"`);
  return terms.join(" ");
}
