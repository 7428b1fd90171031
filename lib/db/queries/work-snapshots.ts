import { eq, sql } from "drizzle-orm";
import type { DbOrTx } from "../client";
import { tasks, workSnapshots } from "../schema";

export type WorkSnapshotRow = typeof workSnapshots.$inferSelect;
export type NewWorkSnapshot = Omit<typeof workSnapshots.$inferInsert, "updatedAt">;

/** One row per task, replaced by each turn's snapshot. */
export async function upsertWorkSnapshot(db: DbOrTx, values: NewWorkSnapshot) {
  const { taskId: _key, ...replaced } = values;
  await db
    .insert(workSnapshots)
    .values(values)
    .onConflictDoUpdate({ target: workSnapshots.taskId, set: { ...replaced, updatedAt: sql`now()` } });
}

/** The snapshot of the task that owns a workspace (a deleted task has none to restore). */
export async function selectWorkSnapshotOfWorkspace(db: DbOrTx, workspaceId: string): Promise<WorkSnapshotRow | undefined> {
  const [row] = await db
    .select({ snapshot: workSnapshots })
    .from(workSnapshots)
    .innerJoin(tasks, eq(tasks.id, workSnapshots.taskId))
    .where(sql`${tasks.workspaceId} = ${workspaceId} AND ${tasks.deletedAt} IS NULL`);
  return row?.snapshot;
}

export async function selectWorkSnapshot(db: DbOrTx, taskId: string): Promise<WorkSnapshotRow | undefined> {
  const [row] = await db.select().from(workSnapshots).where(eq(workSnapshots.taskId, taskId));
  return row;
}
