import "server-only";
import type { Db, DbOrTx } from "../db/client";
import { snapshotCached } from "../db/snapshot-cache";
import { selectTasks, type TaskFilter, type TaskRow } from "../db/queries/tasks";
import { findOrganizationByRef, findUserByRef } from "../db/queries/users";
import { ApiError } from "../api/errors";
import { canReadAll, type Caller } from "../auth/roles";
import { isUuid } from "../validation/common";
import { TASK_NAME_PATTERN } from "../validation/tasks";
import { USERNAME_PATTERN } from "../validation/users";
import { parseTaskQuery } from "./search-query";
import { toTaskResponse } from "./serialize";

/** `{user}` in a path: `me`, a user id or a username; someone a member may not see is a 404. */
export async function resolveUserParam(db: DbOrTx, caller: Caller, ref: string) {
  // UUIDs compare case-insensitively (a caller may send their own id in upper case).
  const lower = ref.toLowerCase();
  if (ref === "me" || lower === caller.id.toLowerCase() || lower === caller.username.toLowerCase()) return { id: caller.id, username: caller.username };
  if (!canReadAll(caller)) throw ApiError.notFound();
  if (!isUuid(ref) && !USERNAME_PATTERN.test(ref)) throw ApiError.notFound();
  const user = await findUserByRef(db, ref);
  if (!user) throw ApiError.notFound();
  return { id: user.id, username: user.username };
}

/** `{user}/{task}`: a task id (any owner the caller may read), or a name owned by `{user}`. */
export async function findTaskOrThrow(db: DbOrTx, caller: Caller, userRef: string, taskRef: string): Promise<TaskRow> {
  const visibleOwner = canReadAll(caller) ? undefined : caller.id;
  let filter: TaskFilter;
  if (isUuid(taskRef)) {
    filter = { id: taskRef, ownerId: visibleOwner };
  } else {
    if (!TASK_NAME_PATTERN.test(taskRef) || taskRef.length > 64) throw ApiError.notFound();
    const owner = await resolveUserParam(db, caller, userRef);
    filter = { name: taskRef, ownerId: owner.id };
  }
  const [row] = await selectTasks(db, filter);
  if (!row) throw ApiError.notFound();
  return row;
}

/**
 * `GET /tasks?q=` as JSON: every task the caller may read that matches the query, newest first.
 * The answer is kept until the database changes (lib/db/snapshot-cache.ts), so clients polling an
 * unchanged list cost one tiny statement each.
 */
export async function listTasksJson(db: Db, caller: Caller, q: string | null, page: { limit?: number; offset?: number } = {}): Promise<string> {
  const filter = await visibleTaskFilter(db, caller, q, page);
  if (!filter) return JSON.stringify({ tasks: [], count: 0 });
  return snapshotCached(db, `tasks ${JSON.stringify(filter)}`, async () => {
    const { rows, count } = await selectTaskPage(db, filter);
    return { answer: JSON.stringify({ tasks: rows.map(toTaskResponse), count }), snapshot: rows[0]?.snapshot };
  });
}

/** What `q` asks for, narrowed to the tasks the caller may read; null when that leaves none. */
async function visibleTaskFilter(db: DbOrTx, caller: Caller, q: string | null, page: { limit?: number; offset?: number }): Promise<TaskFilter | null> {
  const query = parseTaskQuery(q);
  const filter: TaskFilter = { status: query.status, state: query.state, search: query.search, ...page };
  if (query.owner) {
    if (!isUuid(query.owner) && query.owner !== "me" && !USERNAME_PATTERN.test(query.owner)) {
      throw ApiError.invalidField("q", `owner: "${query.owner}" is not a valid username`, "Invalid task search query.");
    }
    const owner = query.owner === "me" ? caller : await findUserByRef(db, query.owner);
    // Nobody by that name owns any tasks: answered like an owner whose tasks the caller cannot
    // see, so that a member cannot tell which usernames exist.
    if (!owner) return null;
    filter.ownerId = owner.id;
  }
  if (query.organization) {
    const org = await findOrganizationByRef(db, query.organization);
    if (!org) throw ApiError.invalidField("q", `organization: no organization "${query.organization}"`, "Invalid task search query.");
    filter.organizationId = org.id;
  }
  if (!canReadAll(caller)) {
    // A member asking for someone else's tasks simply sees none of them.
    if (filter.ownerId && filter.ownerId !== caller.id) return null;
    filter.ownerId = caller.id;
  }
  return filter;
}

async function selectTaskPage(db: DbOrTx, filter: TaskFilter) {
  const rows = await selectTasks(db, filter);
  if (rows.length || !filter.offset) return { rows, count: rows[0]?.total_count ?? 0 };
  // Past the last page no row carries the count: the first row of the same match does.
  const [first] = await selectTasks(db, { ...filter, limit: 1, offset: 0 });
  return { rows, count: first?.total_count ?? 0 };
}
