import "server-only";
import type { Db } from "../db/client";
import { selectTasks, updateTaskPrompt } from "../db/queries/tasks";
import { lockWorkspace } from "../db/queries/workspaces";
import { ApiError } from "../api/errors";
import type { TaskRow } from "../db/queries/tasks";
import { canEditPrompt } from "./edit-rules";

/** The prompt may change only while no agent has it: pending, paused, or failed before its first start (lib/tasks/edit-rules.ts). */
export async function updatePrompt(db: Db, task: TaskRow, prompt: string): Promise<void> {
  await db.transaction(async (tx) => {
    if (task.workspace_id) await lockWorkspace(tx, task.workspace_id);
    const [current] = await selectTasks(tx, { id: task.id });
    if (!current) throw ApiError.notFound();
    if (!canEditPrompt(current)) {
      throw ApiError.conflict(
        `The prompt of a ${current.status} task cannot be changed.`,
        current.status === "error"
          ? "Its agent has already had the prompt; the prompt can be edited while the task is pending or paused, or after a first start that failed."
          : "Pause the task first; the prompt can be edited while it is pending or paused.",
      );
    }
    await updateTaskPrompt(tx, task.id, prompt);
  });
}
