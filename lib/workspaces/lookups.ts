import "server-only";
import { desc, eq, isNull, and } from "drizzle-orm";
import type { DbOrTx } from "../db/client";
import { tasks, workspaceAgents } from "../db/schema";

/** The newest agent of a workspace, whichever build started it. */
export async function currentAgentOf(db: DbOrTx, workspaceId: string) {
  const [row] = await db
    .select()
    .from(workspaceAgents)
    .where(eq(workspaceAgents.workspaceId, workspaceId))
    .orderBy(desc(workspaceAgents.createdAt))
    .limit(1);
  return row;
}

export async function taskOfWorkspace(db: DbOrTx, workspaceId: string) {
  const [row] = await db
    .select({ id: tasks.id })
    .from(tasks)
    .where(and(eq(tasks.workspaceId, workspaceId), isNull(tasks.deletedAt)));
  return row;
}
