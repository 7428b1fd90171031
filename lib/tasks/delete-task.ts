import "server-only";
import type { Db } from "../db/client";
import { deleteSnapshot, softDeleteTask, type TaskRow } from "../db/queries/tasks";
import { insertBuild, lockWorkspace, markWorkspaceDeleted } from "../db/queries/workspaces";
import { ApiError } from "../api/errors";

/**
 * Soft-deletes the task at once (it leaves every list and its name is free again) and queues a
 * delete build; the provisioner runs it after any build already in flight.
 */
export async function deleteTask(db: Db, task: TaskRow, initiatorId: string): Promise<void> {
  await db.transaction(async (tx) => {
    // Lock before deleting: concurrent deletes serialise here and only the first finds the task.
    if (task.workspace_id) await lockWorkspace(tx, task.workspace_id);
    if (!(await softDeleteTask(tx, task.id))) throw ApiError.notFound();
    await deleteSnapshot(tx, task.id);
    if (!task.workspace_id) return;
    await markWorkspaceDeleted(tx, task.workspace_id);
    await insertBuild(tx, { workspaceId: task.workspace_id, transition: "delete", templateVersionId: task.template_version_id, initiatorId });
  });
}
