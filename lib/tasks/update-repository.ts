import "server-only";
import type { Db } from "../db/client";
import { selectTasks, updateTaskParameters, type TaskRow } from "../db/queries/tasks";
import { lockWorkspace, taskOfWorkspace } from "../db/queries/workspaces";
import { ApiError } from "../api/errors";
import type { UpdateRepositoryRequest } from "../validation/tasks";
import { probeRepository } from "../workspaces/probe-repository";
import { assertRepositoryAllowed } from "./create-task";
import { canEditRepository } from "./edit-rules";

/**
 * Corrects the repository of a task whose first start failed (or was stopped before it succeeded):
 * its `repo_url` and `base_ref` are replaced (no `base_ref`: the default branch), and the next
 * resume clones that. Refused once an agent has started: the checkout is made once, at the first start.
 */
export async function updateRepository(db: Db, task: TaskRow, request: UpdateRepositoryRequest): Promise<TaskRow> {
  await assertRepositoryAllowed(db, { ownerId: task.owner_id, url: request.repo_url, field: "repo_url" });
  return db.transaction(async (tx) => {
    if (task.workspace_id) await lockWorkspace(tx, task.workspace_id);
    const [current] = await selectTasks(tx, { id: task.id });
    if (!current) throw ApiError.notFound();
    if (!canEditRepository(current)) throw repositoryLocked(current);
    const kept = current.rich_parameter_values.filter((p) => p.name !== "repo_url" && p.name !== "base_ref");
    const parameters = [...kept, { name: "repo_url", value: request.repo_url }, ...(request.base_ref ? [{ name: "base_ref", value: request.base_ref }] : [])];
    await updateTaskParameters(tx, task.id, parameters);
    const [updated] = await selectTasks(tx, { id: task.id });
    return updated;
  });
}

function repositoryLocked(task: TaskRow): ApiError {
  if (task.has_started) {
    return ApiError.conflict(
      "The repository of a task that has started cannot be changed.",
      "It was cloned at the task's first start; create a new task for another repository.",
    );
  }
  return ApiError.conflict(
    `The repository of a ${task.status} task cannot be changed.`,
    "It can be corrected only while the task has failed (or is paused) before its first successful start.",
  );
}

/**
 * Before a resume queues a start that would clone: a repository that cannot be read or a ref it
 * does not have is said now (400, naming the field to correct), not by another failed build.
 * Nothing to check once the checkout exists, or for a task without a repository.
 */
export async function assertRepositoryReachable(db: Db, task: TaskRow): Promise<void> {
  if (!task.workspace_id || (task.status !== "error" && task.status !== "paused")) return;
  const plan = await taskOfWorkspace(db, task.workspace_id);
  if (!plan || plan.repo) return;
  const values = new Map(plan.parameters.map((p) => [p.name, p.value]));
  const url = values.get("repo_url");
  if (!url) return;
  await assertRepositoryAllowed(db, { ownerId: task.owner_id, url, field: "repo_url" });
  const problem = await probeRepository(db, { ownerId: task.owner_id, url, baseRef: values.get("base_ref") || undefined });
  if (!problem) return;
  throw ApiError.badRequest(
    `The task's repository cannot be cloned: ${problem.detail}. Correct the ${problem.field === "base_ref" ? "ref" : "repository URL"} (PATCH …/repository, "Edit and retry" on the task page, or \`taskyard task edit\`), then resume.`,
    [{ field: problem.field, detail: problem.detail }],
  );
}
