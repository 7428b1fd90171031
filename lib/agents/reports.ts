import "server-only";
import type { Db } from "../db/client";
import { insertAppStatus, reportAgentLifecycle, updateAgent, updateAppHealth, type AgentIdentity } from "../db/queries/agents";
import { addTurnUsage, upsertChangeSnapshot, upsertSnapshot, upsertToolCalls } from "../db/queries/tasks";
import type { SnapshotMessage } from "../db/schema";
import { ApiError } from "../api/errors";
import { logger } from "../logger";
import { advanceTaskInputs } from "../tasks/input-queue";
import { createAgentApiClient } from "./agentapi-client";
import { certificateProblem } from "./pinned-tls";
import type { z } from "zod";
import type { appHealthRequest, appStatusRequest, changesSnapshotRequest, toolCallsReport, usageRequest } from "../validation/agents";

/** What agents tell the server: lifecycle, app health, app status and conversation snapshots. */
export async function reportLifecycle(db: Db, agent: AgentIdentity, state: AgentIdentity["lifecycle_state"]) {
  await reportAgentLifecycle(db, agent.agent_id, state);
}

export async function reportAppHealth(db: Db, agent: AgentIdentity, body: z.infer<typeof appHealthRequest>) {
  if (!(await updateAppHealth(db, agent.agent_id, body.app_slug, body.health))) throw unknownApp(body.app_slug);
}

export async function reportAppStatus(db: Db, agent: AgentIdentity, body: z.infer<typeof appStatusRequest>) {
  const ok = await insertAppStatus(db, { agentId: agent.agent_id, workspaceId: agent.workspace_id, slug: body.app_slug, ...body });
  if (!ok) throw unknownApp(body.app_slug);
  // The end of a turn: the next queued follow-up goes now, after this answer (the agent's reports wait on it).
  if (body.state !== "working" && agent.task_id) {
    const taskId = agent.task_id;
    setImmediate(() => void advanceTaskInputs(db, taskId).catch((err: unknown) => logger.debug({ err, taskId }, "queued input not delivered yet")));
  }
}

/**
 * Where the agent serves AgentAPI. The address must answer with this agent's own secret: an agent
 * cannot register another agent's port and have the server drive that agent for its owner. An
 * agent on another host (https) registers the certificate its port presents, and the check itself
 * already goes over TLS pinned to it (lib/agents/pinned-tls.ts), as every later call does.
 */
export async function registerConnection(db: Db, agent: AgentIdentity, apiUrl: string, certificate?: string) {
  const url = apiUrl.replace(/\/+$/, "");
  const tls = url.toLowerCase().startsWith("https:");
  // Plain HTTP is for loopback agents only (validation); one never carries a certificate to pin.
  const pinned = tls ? certificate : undefined;
  if (pinned) {
    const problem = certificateProblem(pinned);
    if (problem) throw ApiError.invalidField("certificate", problem);
  }
  const answered = await createAgentApiClient({ url, secret: agent.api_secret, certificate: pinned })
    .status(2000)
    .then(() => true, () => false);
  if (!answered) throw ApiError.invalidField("api_url", `this address does not answer as this agent (with its secret${tls ? ", over TLS with this certificate" : ""})`);
  await updateAgent(db, agent.agent_id, { apiUrl: url, apiCertificate: pinned ?? null });
}

/** What a turn used of a model, added to the agent's task's totals. */
export async function reportUsage(db: Db, agent: AgentIdentity, body: z.infer<typeof usageRequest>) {
  if (!agent.task_id) throw ApiError.notFound();
  await addTurnUsage(db, agent.task_id, body);
}

export async function storeSnapshot(db: Db, agent: AgentIdentity, taskId: string, messages: SnapshotMessage[]) {
  if (!agent.task_id || agent.task_id !== taskId) throw ApiError.notFound();
  await upsertSnapshot(db, taskId, messages);
}

function unknownApp(slug: string) {
  return ApiError.invalidField("app_slug", `no app "${slug}" on this agent`);
}

/** The repository's changes as the agent sees them after a turn, for its own task only. */
export async function storeChangeSnapshot(db: Db, agent: AgentIdentity, taskId: string, changes: z.infer<typeof changesSnapshotRequest>) {
  if (!agent.task_id || agent.task_id !== taskId) throw ApiError.notFound();
  if (!agent.repo_base_commit) throw ApiError.conflict("This task has no repository.");
  await upsertChangeSnapshot(db, taskId, changes);
}

/** The tool calls behind one of its messages, for its own task only (what a paused task opens to). */
export async function storeToolCalls(db: Db, agent: AgentIdentity, taskId: string, report: z.infer<typeof toolCallsReport>) {
  if (!agent.task_id || agent.task_id !== taskId) throw ApiError.notFound();
  await upsertToolCalls(db, taskId, report.message_id, report.tool_calls);
}
