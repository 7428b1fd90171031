import "server-only";
import { createAgentApiClient } from "../agents/agentapi-client";
import { ApiError } from "../api/errors";
import type { DbOrTx } from "../db/client";
import type { TaskRow } from "../db/queries/tasks";
import { taskOfWorkspace } from "../db/queries/workspaces";
import { agentOf, askAgent } from "./agent-endpoint";

/**
 * Commits whatever the agent left uncommitted on the task's branch — message: the task's display
 * name, author: its owner (from their account, not the checkout's config, which the model can
 * change), the agent as co-author — and answers the new head. Push's first step. The commit runs
 * in the workspace (its runtime, through the agent): git never runs outside the sandbox on a
 * repository the model touched. Only while the task is active: a paused workspace has no runtime.
 */
export async function commitTaskChanges(db: DbOrTx, task: TaskRow): Promise<{ head_commit: string; committed: boolean }> {
  if (!task.repo) throw ApiError.conflict("This task has no repository.", "Create a task with the repo_url parameter to work on one.");
  if (task.status !== "active") throw ApiError.conflict(`The task's changes cannot be committed while it is ${task.status}.`, "Resume the task first.");
  const owner = task.workspace_id ? await taskOfWorkspace(db, task.workspace_id) : undefined;
  if (!owner) throw ApiError.conflict("The task has no workspace.");
  const author = { name: owner.owner_name, email: owner.owner_email };
  return askAgent("Failed to commit the task's changes.", () => createAgentApiClient(agentOf(task)).commit({ message: task.display_name, author }));
}
