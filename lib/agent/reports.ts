import "server-only";
import type { Db } from "../db/client";
import { insertAppStatus, updateAgent, updateAppHealth, type AgentIdentity } from "../db/queries/agents";
import { upsertSnapshot } from "../db/queries/tasks";
import type { SnapshotMessage } from "../db/schema";
import { ApiError } from "../api/errors";
import type { z } from "zod";
import type { appHealthRequest, appStatusRequest } from "../validation/agents";

/** What agents tell the server: lifecycle, app health, app status and conversation snapshots. */
export async function reportLifecycle(db: Db, agent: AgentIdentity, state: AgentIdentity["lifecycle_state"]) {
  await updateAgent(db, agent.agent_id, { lifecycleState: state });
}

export async function reportAppHealth(db: Db, agent: AgentIdentity, body: z.infer<typeof appHealthRequest>) {
  if (!(await updateAppHealth(db, agent.agent_id, body.app_slug, body.health))) throw unknownApp(body.app_slug);
}

export async function reportAppStatus(db: Db, agent: AgentIdentity, body: z.infer<typeof appStatusRequest>) {
  const ok = await insertAppStatus(db, { agentId: agent.agent_id, workspaceId: agent.workspace_id, slug: body.app_slug, ...body });
  if (!ok) throw unknownApp(body.app_slug);
}

export async function storeSnapshot(db: Db, agent: AgentIdentity, taskId: string, messages: SnapshotMessage[]) {
  if (!agent.task_id || agent.task_id !== taskId) throw ApiError.notFound();
  await upsertSnapshot(db, taskId, messages);
}

function unknownApp(slug: string) {
  return ApiError.invalidField("app_slug", `no app "${slug}" on this agent`);
}
