import type { AgentMessage, RepoChanges } from "../agents/agentapi-client";
import type { Checkout, GitCredentialAnswer } from "../git";
import type { ClaimedBuild, ClaimKind, LiveAgent } from "../db/queries/jobs";
import type { SetupLogStatus } from "../db/schema";
import type { TemplateVariables } from "../templates/workspace-env";
import type { WorkSnapshotRestorePlan } from "../work-snapshots/restore";

/** A workspace's current agent, as a build needs it: to stop it, or to read its conversation before a pause. */
export type StoredAgent = {
  id: string;
  pid: number | null;
  /** Where it runs: a build on another host must not (and cannot) stop its process. */
  host: string | null;
  lifecycleState: string;
  apiUrl: string | null;
  apiSecret: string | null;
  /** The certificate an agent beyond loopback serves AgentAPI with, pinned (lib/agents/pinned-tls.ts). */
  apiCertificate: string | null;
};

/** What a workspace's first start does with its repository. */
export type CheckoutPlan =
  | { kind: "none" }
  | { kind: "init"; branch: string; identity: { name: string; email: string } }
  | { kind: "clone"; url: string; credential?: GitCredentialAnswer; baseRef?: string; branch: string; identity: { name: string; email: string } };

export type SetupLogTailValues = { output: string; outputBytes: number; truncated: boolean };

/** Where a workspace that should run but whose agent is gone is started again from. */
export type OrphanedWorkspace = { build_id: string; workspace_id: string; template_version_id: string; agent_id: string; pid: number | null };

/**
 * Everything the provisioner reads and writes besides its driver. Two implementations: the
 * database itself (the built-in provisioner, and the server answering remote ones;
 * lib/workspaces/database-store.ts) and the provisioner API over HTTP (a remote provisioner, which
 * holds a provisioner key and no database access; lib/provisioners/remote-store.ts). The build
 * logic (lib/workspaces/provisioner.ts) is one and the same for both.
 */
export interface ProvisionerStore {
  /** The oldest build this provisioner may run now, leased to it; `waitMs`: how long a remote claim may wait for one. */
  claim(options: { kind: ClaimKind; perUser: number; leaseMs: number; waitMs: number }): Promise<ClaimedBuild | undefined>;
  /** False once the build is no longer this provisioner's (its lease expired and another took it). */
  renew(buildId: string, leaseMs: number): Promise<boolean>;
  finish(buildId: string, outcome: { error?: string }): Promise<boolean>;
  /** Called when a build may have become claimable; `undefined` where claims wait on their own (remote). */
  listen?(onBuild: () => void): Promise<() => Promise<void>>;

  currentAgent(workspaceId: string): Promise<StoredAgent | undefined>;
  /** Marks an agent stopped (its token stops working). */
  agentOff(agentId: string): Promise<void>;
  checkoutPlan(workspaceId: string): Promise<CheckoutPlan>;
  recordCheckout(workspaceId: string, checkout: Checkout & { url: string }): Promise<void>;
  templateVariables(buildId: string): Promise<TemplateVariables>;
  startSetupLog(buildId: string, timeoutSeconds: number): Promise<void>;
  updateSetupLog(buildId: string, tail: SetupLogTailValues): Promise<void>;
  finishSetupLog(buildId: string, values: SetupLogTailValues & { status: Exclude<SetupLogStatus, "running">; exitCode: number | null }): Promise<void>;
  /** A new agent for a start build: its id and one-time token (only its hash is stored). */
  createAgent(buildId: string, host: string): Promise<{ agentId: string; token: string }>;
  agentStarted(agentId: string, process: { pid: number; host: string }): Promise<void>;
  lifecycles(agentIds: string[]): Promise<Map<string, string>>;
  /** What a pause keeps of a workspace's task (undefined: it has no task any more). */
  snapshotPlan(workspaceId: string): Promise<{ baseCommit: string | null } | undefined>;
  storeSnapshot(workspaceId: string, snapshot: { messages?: AgentMessage[]; changes?: RepoChanges }): Promise<void>;
  /** After a delete build removed the workspace: what the server kept of it goes too. */
  workspaceRemoved(workspaceId: string): Promise<void>;
  /** An agent that should run has died: its task shows `error` with `how`. False if it was not running any more. */
  markCrashed(agentId: string, workspaceId: string, how: string): Promise<boolean>;
  /** Agents with a process on this provisioner's host that are not known to be off. */
  agentsOnHost(host: string): Promise<LiveAgent[]>;
  /** Workspaces that should run whose current agent is on this host. */
  runningWorkspaces(host: string): Promise<OrphanedWorkspace[]>;
  /** Queues a fresh start for a workspace whose agent is gone, unless its builds moved on meanwhile. */
  restartWorkspace(workspace: OrphanedWorkspace): Promise<void>;
  /** What rebuilds a workspace this host lacks from its task's last work snapshot (lib/work-snapshots/restore.ts); undefined without one. */
  restorePlan(workspaceId: string): Promise<WorkSnapshotRestorePlan | undefined>;
}
