import "server-only";
import type { Db } from "../db/client";
import { selectTasks, updateTaskPrompt } from "../db/queries/tasks";
import { lockWorkspace } from "../db/queries/workspaces";
import { ApiError } from "../api/errors";
import type { TaskRow } from "../db/queries/tasks";

/** The prompt may change only while no agent has it: pending (not yet started) or paused. */
export async function updatePrompt(db: Db, task: TaskRow, prompt: string): Promise<void> {
  await db.transaction(async (tx) => {
    if (task.workspace_id) await lockWorkspace(tx, task.workspace_id);
    const [current] = await selectTasks(tx, { id: task.id });
    if (!current) throw ApiError.notFound();
    if (current.status !== "pending" && current.status !== "paused") {
      throw ApiError.conflict(
        `The prompt of a ${current.status} task cannot be changed.`,
        "Pause the task first; the prompt can be edited while it is pending or paused.",
      );
    }
    await updateTaskPrompt(tx, task.id, prompt);
  });
}
