import "server-only";
import { createAgentApiClient } from "../agents/agentapi-client";
import type { DbOrTx } from "../db/client";
import { selectChangeSnapshot, type TaskRow } from "../db/queries/tasks";
import { ApiError } from "../api/errors";
import { agentOf, askAgent } from "./agent-endpoint";

/**
 * `GET …/changes`: the task's repository against its base commit. Like logs: live from the agent
 * while the task is active, from the snapshot taken at pause otherwise; 409 without a repository.
 */
export async function getTaskChanges(db: DbOrTx, task: TaskRow) {
  const changes = await readChanges(db, task);
  return { ...changes, unpushed_commits: unpushedCommits(changes.commits, task.pushed_commit) };
}

/** Commits (newest first) above the one the last push left on the remote; all of them before the first push. */
function unpushedCommits(commits: { sha: string }[], pushed: string | null): number {
  const at = pushed ? commits.findIndex((c) => c.sha === pushed) : -1;
  return at === -1 ? commits.length : at;
}

async function readChanges(db: DbOrTx, task: TaskRow) {
  if (!task.repo) throw ApiError.conflict("This task has no repository.", "Create a task with the repo_url parameter to work on one.");
  const { base_ref, base_commit, branch } = task.repo;
  const checkout = { base_ref, base_commit, branch };
  switch (task.status) {
    case "active":
      return { ...checkout, ...(await askAgent("Failed to read the changes from the task's agent.", () => createAgentApiClient(agentOf(task)).changes(base_commit))) };
    case "paused":
    case "pending":
    case "initializing": {
      const snapshot = await selectChangeSnapshot(db, task.id);
      if (!snapshot) return { ...checkout, head_commit: base_commit, files: [], diff: "", truncated: false, commits: [], snapshot: true as const };
      // Snapshots taken before commits were listed have none.
      return { ...checkout, ...snapshot.changes, commits: snapshot.changes.commits ?? [], snapshot: true as const, snapshot_at: snapshot.capturedAt.toISOString() };
    }
    default:
      throw ApiError.conflict(`Changes are not available while the task is ${task.status}.`, "Resume the task to read its repository.");
  }
}
