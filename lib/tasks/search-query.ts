import { TASK_STATUSES, type TaskStatus } from "../validation/tasks";
import { ApiError, type Validation } from "../api/errors";

/** The agent's current app state, as `current_state.state` reports it. */
export const TASK_STATES = ["working", "idle", "complete", "failed"] as const;
export type TaskState = (typeof TASK_STATES)[number];

export type TaskQuery = { owner?: string; organization?: string; status?: TaskStatus; state?: TaskState; search?: string };

const KEYS = ["owner", "organization", "status", "state", "search"] as const;
type Key = (typeof KEYS)[number];

/** Splits `key:value` and bare words; values may be double-quoted ("fix login"). */
function tokenize(q: string): { key?: string; value: string }[] {
  const terms: { key?: string; value: string }[] = [];
  const pattern = /(?:([^\s:"]+):)?(?:"([^"]*)"|(\S+))/g;
  for (const m of q.matchAll(pattern)) {
    terms.push({ key: m[1], value: m[2] ?? m[3] ?? "" });
  }
  return terms;
}

/**
 * Parses the `q` language of api.md: `owner:`, `organization:`, `status:`, `search:` and bare
 * words (an owner, as Coder does). Every problem is a 400 with `validations` on field `q`.
 */
export function parseTaskQuery(q: string | null | undefined): TaskQuery {
  const query: TaskQuery = {};
  if (!q || !q.trim()) return query;
  const problems: Validation[] = [];
  if (q.includes("\u0000")) throw ApiError.invalidField("q", "must not contain NUL bytes", "Invalid task search query.");
  if (q.length > 1024) throw ApiError.invalidField("q", "must be at most 1024 characters", "Invalid task search query.");

  for (const term of tokenize(q)) {
    const key = (term.key?.toLowerCase() ?? "owner") as Key;
    const value = term.value;
    if (!KEYS.includes(key)) {
      problems.push({ field: "q", detail: `"${term.key}" is not a valid query param` });
      continue;
    }
    if (!value) {
      problems.push({ field: "q", detail: `${key}: needs a value` });
      continue;
    }
    if (query[key] !== undefined && key !== "search") {
      problems.push({ field: "q", detail: `${key}: given more than once` });
      continue;
    }
    if (key === "status") {
      const status = value.toLowerCase();
      if (!(TASK_STATUSES as readonly string[]).includes(status)) {
        problems.push({ field: "q", detail: `status: "${value}" is not one of ${TASK_STATUSES.join(", ")}` });
        continue;
      }
      query.status = status as TaskStatus;
    } else if (key === "state") {
      const state = value.toLowerCase();
      if (!(TASK_STATES as readonly string[]).includes(state)) {
        problems.push({ field: "q", detail: `state: "${value}" is not one of ${TASK_STATES.join(", ")}` });
        continue;
      }
      query.state = state as TaskState;
    } else if (key === "search") {
      query.search = query.search ? `${query.search} ${value}` : value;
    } else {
      query[key] = value;
    }
  }
  if (problems.length) throw ApiError.badRequest("Invalid task search query.", problems);
  return query;
}
