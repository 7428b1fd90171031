import "server-only";
import { and, desc, eq, inArray, ne, sql } from "drizzle-orm";
import type { DbOrTx } from "../client";
import { workspaceAgents, workspaceApps, type AgentLifecycle, type AppHealth, type AppStatusState, type TemplateConfig } from "../schema";

/** Everything an agent route needs about the calling agent, from its token hash, in one query. */
export type AgentIdentity = {
  agent_id: string;
  workspace_id: string;
  build_id: string;
  lifecycle_state: AgentLifecycle;
  /** What its AgentAPI port demands of the server. */
  api_secret: string | null;
  /** No newer agent has been started for its workspace. */
  is_current: boolean;
  task_id: string | null;
  prompt: string | null;
  config: (Pick<TemplateConfig, "command" | "mcp_servers" | "permission_policy"> & { brain: string }) | null;
  /** The preset's parameters, then the task's own (which win). */
  parameters: { name: string; value: string }[] | null;
  task_parameters: { name: string; value: string }[] | null;
  /** The commit the task's repository started from; null without one. */
  repo_base_commit: string | null;
  /** The task's branch in that repository (`taskyard/<name>`); null without one. */
  repo_branch: string | null;
};

export async function findAgentByTokenHash(db: DbOrTx, hash: string): Promise<AgentIdentity | undefined> {
  const rows = await db.execute(sql`
    SELECT a.id AS agent_id, a.workspace_id, a.build_id, a.lifecycle_state, a.api_secret,
           NOT EXISTS (SELECT 1 FROM workspace_agents n WHERE n.workspace_id = a.workspace_id AND n.created_at > a.created_at) AS is_current,
           t.id AS task_id, t.prompt, tv.config, p.parameters, t.parameters AS task_parameters, w.repo->>'base_commit' AS repo_base_commit, w.repo->>'branch' AS repo_branch
    FROM workspace_agents a
    JOIN workspaces w ON w.id = a.workspace_id
    JOIN workspace_builds b ON b.id = a.build_id
    JOIN template_versions tv ON tv.id = b.template_version_id
    LEFT JOIN tasks t ON t.workspace_id = w.id AND t.deleted_at IS NULL
    LEFT JOIN template_version_presets p ON p.id = t.template_version_preset_id
    WHERE a.auth_token_hash = ${hash}`);
  return (rows as unknown as AgentIdentity[])[0];
}

export async function insertAgent(db: DbOrTx, values: typeof workspaceAgents.$inferInsert) {
  const [agent] = await db.insert(workspaceAgents).values(values).returning();
  return agent;
}

export async function insertApp(db: DbOrTx, values: typeof workspaceApps.$inferInsert) {
  const [app] = await db.insert(workspaceApps).values(values).returning();
  return app;
}

/** A lifecycle report; an agent that was marked off stays off, whatever it says afterwards. */
export async function reportAgentLifecycle(db: DbOrTx, id: string, state: AgentLifecycle) {
  await db
    .update(workspaceAgents)
    .set({ lifecycleState: state, updatedAt: new Date() })
    .where(and(eq(workspaceAgents.id, id), ne(workspaceAgents.lifecycleState, "off")));
}

export async function updateAgent(db: DbOrTx, id: string, set: Partial<{ lifecycleState: AgentLifecycle; apiUrl: string; apiCertificate: string | null; pid: number; host: string }>) {
  await db.update(workspaceAgents).set({ ...set, updatedAt: new Date() }).where(eq(workspaceAgents.id, id));
}

export async function getAgent(db: DbOrTx, id: string) {
  const [row] = await db.select().from(workspaceAgents).where(eq(workspaceAgents.id, id));
  return row;
}

/** Lifecycle states of several agents at once (the provisioner's builds waiting for their agents). */
export async function selectAgentLifecycles(db: DbOrTx, ids: string[]): Promise<Map<string, AgentLifecycle>> {
  if (ids.length === 0) return new Map();
  const rows = await db.select({ id: workspaceAgents.id, state: workspaceAgents.lifecycleState }).from(workspaceAgents).where(inArray(workspaceAgents.id, ids));
  return new Map(rows.map((r) => [r.id, r.state]));
}

export async function updateAppHealth(db: DbOrTx, agentId: string, slug: string, health: AppHealth) {
  const rows = await db
    .update(workspaceApps)
    .set({ health })
    .where(and(eq(workspaceApps.agentId, agentId), eq(workspaceApps.slug, slug)))
    .returning({ id: workspaceApps.id });
  return rows.length > 0;
}

/** Marks an app unhealthy unless it already is; false when there was nothing to change. */
export async function markAppUnhealthy(db: DbOrTx, agentId: string, slug: string) {
  const rows = await db
    .update(workspaceApps)
    .set({ health: "unhealthy" })
    .where(and(eq(workspaceApps.agentId, agentId), eq(workspaceApps.slug, slug), ne(workspaceApps.health, "unhealthy")))
    .returning({ id: workspaceApps.id });
  return rows.length > 0;
}

export async function insertAppStatus(
  db: DbOrTx,
  values: { agentId: string; workspaceId: string; slug: string; state: AppStatusState; message: string; uri?: string },
) {
  const rows = await db.execute(sql`
    INSERT INTO workspace_app_statuses (workspace_id, agent_id, app_id, state, message, uri)
    SELECT ${values.workspaceId}, ${values.agentId}, ap.id, ${values.state}, ${values.message}, ${values.uri ?? ""}
    FROM workspace_apps ap WHERE ap.agent_id = ${values.agentId} AND ap.slug = ${values.slug}
    RETURNING id`);
  return (rows as unknown as unknown[]).length > 0;
}

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
