import "server-only";
import { desc, eq, sql } from "drizzle-orm";
import type { DbOrTx } from "../client";
import { setupLogs, workspaceBuilds, type SetupLogStatus } from "../schema";

/** How many runs a workspace keeps: the newest, and a few before it to compare with. */
const KEPT_PER_WORKSPACE = 3;

/**
 * A start build's setup log, new: a build redone (its lease taken over) starts its log over. Older
 * runs of the workspace beyond the newest few go, so a task resumed a thousand times keeps a few
 * logs, not a thousand.
 */
export async function startSetupLog(db: DbOrTx, values: { buildId: string; workspaceId: string; timeoutSeconds: number }) {
  const fresh = { status: "running" as const, exitCode: null, output: "", outputBytes: 0, truncated: false, timeoutSeconds: values.timeoutSeconds, startedAt: sql`now()`, finishedAt: null };
  await db
    .insert(setupLogs)
    .values({ buildId: values.buildId, workspaceId: values.workspaceId, ...fresh })
    .onConflictDoUpdate({ target: setupLogs.buildId, set: fresh });
  await db.execute(sql`
    DELETE FROM setup_logs WHERE workspace_id = ${values.workspaceId} AND build_id NOT IN (
      SELECT build_id FROM setup_logs WHERE workspace_id = ${values.workspaceId} ORDER BY started_at DESC LIMIT ${KEPT_PER_WORKSPACE})`);
}

/** The delete build's: a deleted task's logs go with its workspace. */
export async function deleteSetupLogs(db: DbOrTx, workspaceId: string) {
  await db.delete(setupLogs).where(eq(setupLogs.workspaceId, workspaceId));
}

/** The tail so far, while the script runs. */
export async function updateSetupLog(db: DbOrTx, buildId: string, values: { output: string; outputBytes: number; truncated: boolean }) {
  await db.update(setupLogs).set(values).where(eq(setupLogs.buildId, buildId));
}

export async function finishSetupLog(db: DbOrTx, buildId: string, values: { status: Exclude<SetupLogStatus, "running">; exitCode: number | null; output: string; outputBytes: number; truncated: boolean }) {
  await db
    .update(setupLogs)
    .set({ ...values, finishedAt: sql`now()` })
    .where(eq(setupLogs.buildId, buildId));
}

/** The workspace's newest setup log, with the number of the build that ran it. */
export async function latestSetupLog(db: DbOrTx, workspaceId: string) {
  const [row] = await db
    .select({
      buildId: setupLogs.buildId,
      buildNumber: workspaceBuilds.buildNumber,
      status: setupLogs.status,
      exitCode: setupLogs.exitCode,
      output: setupLogs.output,
      outputBytes: setupLogs.outputBytes,
      truncated: setupLogs.truncated,
      timeoutSeconds: setupLogs.timeoutSeconds,
      startedAt: setupLogs.startedAt,
      finishedAt: setupLogs.finishedAt,
    })
    .from(setupLogs)
    .innerJoin(workspaceBuilds, eq(workspaceBuilds.id, setupLogs.buildId))
    .where(eq(setupLogs.workspaceId, workspaceId))
    .orderBy(desc(workspaceBuilds.buildNumber))
    .limit(1);
  return row;
}

export type SetupLogRow = NonNullable<Awaited<ReturnType<typeof latestSetupLog>>>;
