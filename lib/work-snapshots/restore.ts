import type { DbOrTx } from "../db/client";
import { selectWorkSnapshotOfWorkspace } from "../db/queries/work-snapshots";
import { taskOfWorkspace } from "../db/queries/workspaces";
import { logger } from "../logger";
import type { WorkspaceDriver } from "../workspaces/driver";
import type { RestoreRepository, WorkSnapshotBytes } from "./types";

/**
 * What a provisioner needs to rebuild a workspace from its task's last work snapshot: the bytes,
 * and where its repository comes from (`repo_url` as the task's first checkout cloned it, with the
 * owner's credential looked up by the caller; none for a repository Taskyard made). The database
 * side of a restore: a remote provisioner gets this over HTTP.
 */
export type WorkSnapshotRestorePlan = {
  taskId: string;
  ownerId: string;
  turn: number;
  sessionId: string | null;
  /** With the owner's credential for `url` when the store adds it (lib/workspaces/database-store.ts `restorePlan`). */
  repository: RestoreRepository | null;
  snapshot: WorkSnapshotBytes;
};

/** The restore plan for a workspace whose task has a work snapshot; undefined without one. */
export async function loadWorkSnapshotForRestore(db: DbOrTx, workspaceId: string): Promise<WorkSnapshotRestorePlan | undefined> {
  const [row, plan] = await Promise.all([selectWorkSnapshotOfWorkspace(db, workspaceId), taskOfWorkspace(db, workspaceId)]);
  if (!row || !plan) return undefined;
  const url = plan.parameters.findLast((p) => p.name === "repo_url")?.value || null;
  const branch = row.branch ?? plan.repo?.branch;
  const baseCommit = row.baseCommit ?? plan.repo?.base_commit;
  return {
    taskId: row.taskId,
    ownerId: plan.owner_id,
    turn: row.turn,
    sessionId: row.sessionId,
    repository: branch && baseCommit ? { url, branch, baseCommit, identity: { name: plan.owner_name, email: plan.owner_email } } : null,
    snapshot: { agentState: row.agentState, brainFiles: row.brainFiles, bundle: row.bundle, diff: row.diff, headCommit: row.headCommit },
  };
}

/**
 * Before a start: a workspace this host does not have (a new host, or a wiped one) whose task has
 * a work snapshot is rebuilt from it, so the agent continues where the last finished turn left it.
 * Does nothing when the workspace is here or there is no snapshot. Returns whether it restored.
 * No database here: `loadPlan` is `loadWorkSnapshotForRestore` in the server's provisioner, an
 * HTTP call in a remote one.
 */
export async function restoreLostWorkspace(input: {
  driver: WorkspaceDriver;
  workspaceId: string;
  uid: number;
  loadPlan: () => Promise<WorkSnapshotRestorePlan | undefined>;
}): Promise<boolean> {
  if (await input.driver.hasWorkspace({ workspaceId: input.workspaceId })) return false;
  const plan = await input.loadPlan();
  if (!plan) return false;
  const started = Date.now();
  const { notes } = await input.driver.restore({
    workspaceId: input.workspaceId,
    uid: input.uid,
    repository: plan.repository,
    snapshot: plan.snapshot,
  });
  logger.info({ workspace: input.workspaceId, task: plan.taskId, turn: plan.turn, head: plan.snapshot.headCommit, ms: Date.now() - started, notes }, "workspace restored from its work snapshot");
  return true;
}
