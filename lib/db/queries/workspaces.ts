import "server-only";
import { and, desc, eq, sql } from "drizzle-orm";
import type { DbOrTx } from "../client";
import { workspaceBuilds, workspaces, type BuildTransition, type WorkspaceRepo } from "../schema";

export const BUILDS_CHANNEL = "taskyard_builds";

/** Locks the workspace row: transitions on one workspace run one at a time. */
export async function lockWorkspace(db: DbOrTx, id: string) {
  const [row] = await db.select().from(workspaces).where(eq(workspaces.id, id)).for("update");
  return row;
}

export async function latestBuild(db: DbOrTx, workspaceId: string) {
  const [row] = await db
    .select()
    .from(workspaceBuilds)
    .where(eq(workspaceBuilds.workspaceId, workspaceId))
    .orderBy(desc(workspaceBuilds.buildNumber))
    .limit(1);
  return row;
}

/** Queues a build (its job `pending`) and wakes the provisioners. */
export async function insertBuild(
  db: DbOrTx,
  values: { workspaceId: string; transition: BuildTransition; templateVersionId: string; initiatorId?: string; reason?: string },
) {
  const [row] = await db
    .insert(workspaceBuilds)
    .values({
      ...values,
      buildNumber: sql`(select coalesce(max(${workspaceBuilds.buildNumber}), 0) + 1 from ${workspaceBuilds} where ${workspaceBuilds.workspaceId} = ${values.workspaceId})`,
    })
    .returning();
  await notifyBuild(db, row.id);
  return row;
}

/** Wakes the provisioners (delivered when the surrounding transaction commits). */
export async function notifyBuild(db: DbOrTx, buildId: string) {
  await db.execute(sql`select pg_notify(${BUILDS_CHANNEL}, ${buildId})`);
}

export async function markWorkspaceDeleted(db: DbOrTx, id: string) {
  await db.update(workspaces).set({ deletedAt: new Date() }).where(and(eq(workspaces.id, id)));
}

export type WorkspaceTask = {
  task_id: string;
  task_name: string;
  owner_id: string;
  owner_name: string;
  owner_email: string;
  repo: WorkspaceRepo | null;
  /** The uid the workspace runs as. */
  uid: number;
  parameters: { name: string; value: string }[];
};

/** A workspace's task and repository: what its first start needs to check out (and a pause to snapshot), with preset and task parameters merged (the task's win). */
export async function taskOfWorkspace(db: DbOrTx, workspaceId: string): Promise<WorkspaceTask | undefined> {
  const rows = await db.execute(sql`
    SELECT t.id AS task_id, t.name AS task_name, t.owner_id, coalesce(nullif(u.name, ''), u.username) AS owner_name, u.email AS owner_email, w.repo, w.uid,
           coalesce(p.parameters, '[]'::jsonb) || t.parameters AS parameters
    FROM workspaces w
    JOIN tasks t ON t.workspace_id = w.id AND t.deleted_at IS NULL
    JOIN users u ON u.id = t.owner_id
    LEFT JOIN template_version_presets p ON p.id = t.template_version_preset_id
    WHERE w.id = ${workspaceId}`);
  return (rows as unknown as WorkspaceTask[])[0];
}

/** Has the workspace ever started (a start build that succeeded)? */
export async function hasStarted(db: DbOrTx, workspaceId: string): Promise<boolean> {
  const [row] = await db
    .select({ id: workspaceBuilds.id })
    .from(workspaceBuilds)
    .where(and(eq(workspaceBuilds.workspaceId, workspaceId), eq(workspaceBuilds.transition, "start"), eq(workspaceBuilds.jobStatus, "succeeded")))
    .limit(1);
  return !!row;
}

export async function recordCheckout(db: DbOrTx, workspaceId: string, repo: WorkspaceRepo) {
  await db.update(workspaces).set({ repo }).where(eq(workspaces.id, workspaceId));
}
