import { randomBytes } from "node:crypto";
import { sql } from "drizzle-orm";
import type postgres from "postgres";
import { generateAgentToken } from "../auth/tokens";
import type { Db } from "../db/client";
import { env } from "../env";
import { currentAgentOf, getAgent, insertAgent, insertApp, insertAppStatus, markAppUnhealthy, selectAgentLifecycles, updateAgent } from "../db/queries/agents";
import { claimBuild, finishBuild, renewLease, selectAgentsOnHost, selectRunningWorkspaces } from "../db/queries/jobs";
import { deleteSetupLogs, finishSetupLog, startSetupLog, updateSetupLog } from "../db/queries/setup-logs";
import { upsertChangeSnapshot, upsertSnapshot } from "../db/queries/tasks";
import { BUILDS_CHANNEL, hasStarted, insertBuild, latestBuild, lockWorkspace, recordCheckout, taskOfWorkspace } from "../db/queries/workspaces";
import { credentialForHost, gitCredentialAnswer, httpOrigin, markGitCredentialUsed } from "../git-credentials/credentials";
import type { GitCredentialAnswer } from "../git";
import { withoutCredentials } from "../repo-url";
import { templateVariablesOf } from "../templates/workspace-env";
import { loadWorkSnapshotForRestore } from "../work-snapshots/restore";
import type { ProvisionerStore } from "./provisioner-store";

/** The app every agent serves: the task's AI app, whose health is the task's. */
export const APP_SLUG = "agent";

/**
 * The provisioner's reads and writes, straight on the database: what the built-in provisioner
 * uses, and what the server does on a remote provisioner's behalf (lib/provisioners/daemon-api.ts,
 * which first checks that the build, workspace or agent is that provisioner's). `holder` is the
 * name its leases are held under; `tags` the ones its claims match templates' required tags with.
 */
export function databaseStore(options: { db: Db; sql?: postgres.Sql; holder: string; tags?: Record<string, string>; host?: string }): ProvisionerStore {
  const { db, holder } = options;
  return {
    claim: ({ kind, perUser, leaseMs }) => claimBuild(db, holder, leaseMs, { kind, perUser, tags: options.tags, host: options.host, staleMs: env().TASKYARD_HOST_LOST_AFTER_MS }),
    renew: (buildId, leaseMs) => renewLease(db, buildId, holder, leaseMs),
    finish: (buildId, outcome) => finishBuild(db, buildId, holder, outcome),
    listen: options.sql
      ? async (onBuild) => {
          const listener = await options.sql!.listen(BUILDS_CHANNEL, onBuild);
          return () => listener.unlisten();
        }
      : undefined,

    currentAgent: async (workspaceId) => {
      const agent = await currentAgentOf(db, workspaceId);
      return agent && { id: agent.id, pid: agent.pid, host: agent.host, lifecycleState: agent.lifecycleState, apiUrl: agent.apiUrl, apiSecret: agent.apiSecret, apiCertificate: agent.apiCertificate };
    },
    agentOff: (agentId) => updateAgent(db, agentId, { lifecycleState: "off" }).then(() => undefined),
    checkoutPlan: async (workspaceId) => {
      const plan = await taskOfWorkspace(db, workspaceId);
      if (!plan || plan.repo) return { kind: "none" };
      const values = new Map(plan.parameters.map((p) => [p.name, p.value]));
      const branch = `taskyard/${plan.task_name}`;
      const identity = { name: plan.owner_name, email: plan.owner_email };
      const url = values.get("repo_url");
      if (!url) return (await hasStarted(db, workspaceId)) ? { kind: "none" } : { kind: "init", branch, identity };
      const credential = await repositoryCredential(db, plan.owner_id, url);
      return { kind: "clone", url, credential, baseRef: values.get("base_ref") || undefined, branch, identity };
    },
    recordCheckout: (workspaceId, { url, ...checkout }) => recordCheckout(db, workspaceId, { url: withoutCredentials(url), ...checkout }),
    templateVariables: async (buildId) => {
      const [build] = (await db.execute(sqlTemplateVersionOf(buildId))) as unknown as { template_version_id: string }[];
      return build ? templateVariablesOf(db, build.template_version_id) : { values: {}, secretValues: [] };
    },
    startSetupLog: async (buildId, timeoutSeconds) => {
      const [build] = (await db.execute(sqlWorkspaceOfBuild(buildId))) as unknown as { workspace_id: string }[];
      if (build) await startSetupLog(db, { buildId, workspaceId: build.workspace_id, timeoutSeconds });
    },
    updateSetupLog: (buildId, tail) => updateSetupLog(db, buildId, tail),
    finishSetupLog: (buildId, values) => finishSetupLog(db, buildId, values),
    createAgent: async (buildId, host) => {
      const [build] = (await db.execute(sqlWorkspaceOfBuild(buildId))) as unknown as { workspace_id: string }[];
      if (!build) throw new Error("The build is gone.");
      const { token, hash, gatewayKeyHash } = generateAgentToken();
      const agent = await db.transaction(async (tx) => {
        const created = await insertAgent(tx, { workspaceId: build.workspace_id, buildId, authTokenHash: hash, gatewayKeyHash, apiSecret: randomBytes(32).toString("hex"), host });
        await insertApp(tx, { agentId: created.id, slug: APP_SLUG, displayName: "Agent", health: "initializing" });
        return created;
      });
      return { agentId: agent.id, token };
    },
    agentStarted: (agentId, { pid, host }) => updateAgent(db, agentId, { pid, host }).then(() => undefined),
    lifecycles: (agentIds) => selectAgentLifecycles(db, agentIds),
    snapshotPlan: async (workspaceId) => {
      const plan = await taskOfWorkspace(db, workspaceId);
      return plan ? { baseCommit: plan.repo?.base_commit ?? null } : undefined;
    },
    storeSnapshot: async (workspaceId, { messages, changes }) => {
      const plan = await taskOfWorkspace(db, workspaceId);
      if (!plan) return;
      if (messages && messages.length > 0) await upsertSnapshot(db, plan.task_id, messages);
      if (changes && plan.repo) await upsertChangeSnapshot(db, plan.task_id, changes);
    },
    workspaceRemoved: (workspaceId) => deleteSetupLogs(db, workspaceId),
    markCrashed: (agentId, workspaceId, how) => markCrashed(db, agentId, workspaceId, `The agent process ${how}.`),
    agentsOnHost: (host) => selectAgentsOnHost(db, host),
    runningWorkspaces: (host) => selectRunningWorkspaces(db, host),
    restorePlan: async (workspaceId) => {
      const plan = await loadWorkSnapshotForRestore(db, workspaceId);
      const url = plan?.repository?.url;
      if (!plan || !url) return plan;
      return { ...plan, repository: { ...plan.repository!, credential: await repositoryCredential(db, plan.ownerId, url) } };
    },
    restartWorkspace: (w) =>
      db.transaction(async (tx) => {
        await lockWorkspace(tx, w.workspace_id);
        const latest = await latestBuild(tx, w.workspace_id);
        if (latest?.id !== w.build_id) return;
        await insertBuild(tx, { workspaceId: w.workspace_id, transition: "start", templateVersionId: w.template_version_id, reason: "autostart" });
      }),
  };
}

const sqlTemplateVersionOf = (buildId: string) => sql`SELECT template_version_id FROM workspace_builds WHERE id = ${buildId}`;
const sqlWorkspaceOfBuild = (buildId: string) => sql`SELECT workspace_id FROM workspace_builds WHERE id = ${buildId}`;

/**
 * The task owner's credential for an http(s) repository's host, if they stored one: it goes to
 * the clone from memory (lib/git.ts `credentialConfig`), never into the task, the workspace or a log.
 */
async function repositoryCredential(db: Db, ownerId: string, url: string): Promise<GitCredentialAnswer | undefined> {
  const found = httpOrigin(url);
  if (!found) return undefined;
  const credential = await credentialForHost({ db, userId: ownerId, host: found.host });
  // Checked at create too; a provider changed since then must not get the token sent in the clear.
  if (!credential || (found.origin.startsWith("http://") && !credential.plainHttpAllowed)) return undefined;
  await markGitCredentialUsed(db, credential.id);
  return gitCredentialAnswer(found.origin, credential);
}

/**
 * An agent that should be running has stopped: its app goes unhealthy (the task `error`) with
 * `message` as its state. Nothing happens for an agent that was being stopped anyway, or whose
 * build is no longer the workspace's latest start. One transaction: a reader never sees the task
 * `error` while its state still says `working`.
 */
export async function markCrashed(db: Db, agentId: string, workspaceId: string, message: string): Promise<boolean> {
  const agent = await getAgent(db, agentId);
  if (!agent || agent.lifecycleState === "off" || agent.lifecycleState === "shutting_down") return false;
  const latest = await latestBuild(db, workspaceId);
  if (!latest || latest.transition !== "start" || latest.id !== agent.buildId) return false;
  return db.transaction(async (tx) => {
    if (!(await markAppUnhealthy(tx, agentId, APP_SLUG))) return false;
    // Died while starting: without this the task would read `initializing` forever.
    if (agent.lifecycleState === "created" || agent.lifecycleState === "starting") await updateAgent(tx, agentId, { lifecycleState: "start_error" });
    await insertAppStatus(tx, { agentId, workspaceId, slug: APP_SLUG, state: "failure", message });
    return true;
  });
}
