import "server-only";
import { and, eq, inArray, sql } from "drizzle-orm";
import type { z } from "zod";
import { ApiError } from "../api/errors";
import type { Db } from "../db/client";
import { env } from "../env";
import { workspaceAgents } from "../db/schema";
import { databaseStore } from "../workspaces/database-store";
import type { ProvisionerStore } from "../workspaces/provisioner-store";
import { provisionerdMethods, type ProvisionerdMethod } from "../validation/provisionerd";
import { waitForBuilds } from "./build-wakeups";
import { snapshotToWire } from "../work-snapshots/types";

/** A remote provisioner as the server knows it: its registration, under the key it presented. */
export type ProvisionerIdentity = { provisionerId: string; keyId: string; host: string; tags: Record<string, string> };

/** Leases a remote provisioner holds are held under its registration (one daemon per host name and key). */
export const holderOf = (identity: Pick<ProvisionerIdentity, "provisionerId">) => `provisioner:${identity.provisionerId}`;

/** A conversation snapshot (storeSnapshot) is the largest body: up to 10,000 messages and a 1 MiB diff. */
export const PROVISIONERD_MAX_BODY_BYTES = 32 * 1024 * 1024;

/** The longest a claim waits on the server for a build; the daemon then asks again (and is seen alive). */
export const CLAIM_WAIT_MAX_MS = 20_000;

type Params<M extends ProvisionerdMethod> = z.infer<(typeof provisionerdMethods)[M]>;
type Scope = { db: Db; identity: ProvisionerIdentity; store: ProvisionerStore; signal: AbortSignal };
type Handlers = { [M in ProvisionerdMethod]: (scope: Scope, params: Params<M>) => Promise<unknown> };

/**
 * One step of a build, done by the server for a remote provisioner (`POST /api/v2/provisionerd/{method}`).
 * The steps are the build logic's own (lib/workspaces/provisioner-store.ts); what the server adds is
 * the rule of whose they are: a provisioner reads and writes only builds it holds the lease of, the
 * workspaces of those builds, and agents on its own host. Anything else is a 404, as if it did not exist.
 */
export async function runProvisionerdMethod(db: Db, identity: ProvisionerIdentity, method: string, body: unknown, signal: AbortSignal): Promise<unknown> {
  if (!Object.hasOwn(provisionerdMethods, method)) throw ApiError.notFound();
  const name = method as ProvisionerdMethod;
  const parsed = provisionerdMethods[name].safeParse(body);
  if (!parsed.success) throw ApiError.badRequest("Invalid request.", parsed.error.issues.map((i) => ({ field: i.path.join(".") || "body", detail: i.message })));
  const store = databaseStore({ db, holder: holderOf(identity), tags: identity.tags, host: identity.host });
  const handler = handlers[name] as (scope: Scope, params: unknown) => Promise<unknown>;
  return (await handler({ db, identity, store, signal }, parsed.data)) ?? null;
}

const handlers: Handlers = {
  claim: async ({ store, signal }, p) => {
    // A daemon waiting here is not calling: it must be back well before it would count as lost.
    const deadline = Date.now() + Math.min(p.waitMs, CLAIM_WAIT_MAX_MS, env().TASKYARD_HOST_LOST_AFTER_MS / 3);
    for (;;) {
      const build = await store.claim({ ...p, waitMs: 0 });
      if (build || Date.now() >= deadline || signal.aborted) return build ?? null;
      await waitForBuilds(deadline - Date.now(), signal);
    }
  },
  renew: ({ store }, p) => store.renew(p.buildId, p.leaseMs),
  finish: ({ store }, p) => store.finish(p.buildId, p.outcome),

  currentAgent: async (s, p) => (await workspaceInHand(s, p.workspaceId), s.store.currentAgent(p.workspaceId)),
  checkoutPlan: async (s, p) => (await workspaceInHand(s, p.workspaceId), s.store.checkoutPlan(p.workspaceId)),
  recordCheckout: async (s, p) => (await workspaceInHand(s, p.workspaceId), s.store.recordCheckout(p.workspaceId, p.checkout)),
  snapshotPlan: async (s, p) => (await workspaceInHand(s, p.workspaceId), s.store.snapshotPlan(p.workspaceId)),
  storeSnapshot: async (s, p) => (await workspaceInHand(s, p.workspaceId), s.store.storeSnapshot(p.workspaceId, p)),
  workspaceRemoved: async (s, p) => (await workspaceInHand(s, p.workspaceId), s.store.workspaceRemoved(p.workspaceId)),

  templateVariables: async (s, p) => (await buildInHand(s, p.buildId), s.store.templateVariables(p.buildId)),
  startSetupLog: async (s, p) => (await buildInHand(s, p.buildId), s.store.startSetupLog(p.buildId, p.timeoutSeconds)),
  updateSetupLog: async (s, p) => (await buildInHand(s, p.buildId), s.store.updateSetupLog(p.buildId, p.tail)),
  finishSetupLog: async (s, p) => (await buildInHand(s, p.buildId), s.store.finishSetupLog(p.buildId, p.values)),
  createAgent: async (s, p) => (await buildInHand(s, p.buildId), s.store.createAgent(p.buildId, s.identity.host)),

  // Also the current agent of a workspace in hand that ran on a lost host: its start here retires it.
  agentOff: async (s, p) => (await agentOnHostOrInHand(s, p.agentId), s.store.agentOff(p.agentId)),
  agentStarted: async (s, p) => (await agentOnHost(s, p.agentId), s.store.agentStarted(p.agentId, { pid: p.pid, host: s.identity.host })),
  markCrashed: async (s, p) => (await agentOnHost(s, p.agentId, p.workspaceId), s.store.markCrashed(p.agentId, p.workspaceId, p.how)),
  lifecycles: async (s, p) => Object.fromEntries(await s.store.lifecycles(await agentsOnHostOnly(s, p.agentIds))),
  agentsOnHost: (s) => s.store.agentsOnHost(s.identity.host),
  runningWorkspaces: (s) => s.store.runningWorkspaces(s.identity.host),
  restorePlan: async (s, p) => {
    await workspaceInHand(s, p.workspaceId);
    const plan = await s.store.restorePlan(p.workspaceId);
    return plan && { ...plan, snapshot: snapshotToWire(plan.snapshot) };
  },
  restartWorkspace: async (s, p) => (await agentOnHost(s, p.workspace.agent_id, p.workspace.workspace_id), s.store.restartWorkspace(p.workspace)),
};

/** The build is running under this provisioner's lease. */
async function buildInHand({ db, identity }: Scope, buildId: string): Promise<void> {
  const rows = await db.execute(sql`SELECT 1 FROM workspace_builds WHERE id = ${buildId} AND job_status = 'running' AND lease_owner = ${holderOf(identity)}`);
  if (rows.length === 0) throw ApiError.notFound();
}

/** One of the workspace's builds is running under this provisioner's lease. */
async function workspaceInHand({ db, identity }: Scope, workspaceId: string): Promise<void> {
  const rows = await db.execute(sql`SELECT 1 FROM workspace_builds WHERE workspace_id = ${workspaceId} AND job_status = 'running' AND lease_owner = ${holderOf(identity)} LIMIT 1`);
  if (rows.length === 0) throw ApiError.notFound();
}

/** The agent was started on this provisioner's host (and, if given, belongs to that workspace). */
async function agentOnHost({ db, identity }: Scope, agentId: string, workspaceId?: string): Promise<void> {
  const rows = await db.execute(sql`
    SELECT 1 FROM workspace_agents WHERE id = ${agentId} AND host = ${identity.host}
      AND (${workspaceId ?? null}::uuid IS NULL OR workspace_id = ${workspaceId ?? null}::uuid)`);
  if (rows.length === 0) throw ApiError.notFound();
}

async function agentOnHostOrInHand(scope: Scope, agentId: string): Promise<void> {
  const [agent] = await scope.db.select({ workspaceId: workspaceAgents.workspaceId }).from(workspaceAgents).where(eq(workspaceAgents.id, agentId));
  if (!agent) throw ApiError.notFound();
  await agentOnHost(scope, agentId).catch(() => workspaceInHand(scope, agent.workspaceId));
}

async function agentsOnHostOnly({ db, identity }: Scope, agentIds: string[]): Promise<string[]> {
  if (agentIds.length === 0) return [];
  const rows = await db
    .select({ id: workspaceAgents.id })
    .from(workspaceAgents)
    .where(and(eq(workspaceAgents.host, identity.host), inArray(workspaceAgents.id, agentIds)));
  return rows.map((r) => r.id);
}
