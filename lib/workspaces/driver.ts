import type { Checkout, GitCredentialAnswer } from "../git";
import type { TemplateSandbox } from "../sandbox/settings";
import type { RestoreRepository, WorkSnapshotBytes } from "../work-snapshots/types";

/** What a workspace driver must do; `local` is the default, a container driver would fit the same shape. */
export interface WorkspaceDriver {
  /**
   * Starts the agent for `agentId` with its one-time token, isolated from the server: it sees only
   * its workspace and the environment variables named in `env`. Resolves once the process is spawned.
   */
  start(input: {
    workspaceId: string;
    agentId: string;
    agentToken: string;
    env: string[];
    /** The template version's own variables, literal and secret (lib/templates/workspace-env.ts), set as they are. */
    values?: Record<string, string>;
    uid: number;
    sandbox: TemplateSandbox | null;
    /**
     * The address the server reaches this host's agents on (a remote provisioner's `--advertise`):
     * the agent serves AgentAPI there over TLS and registers its certificate, which the server pins.
     * Absent: the driver's own default (loopback, plain HTTP, for a server on this host).
     */
    advertise?: string;
  }): Promise<{ pid: number; host: string }>;
  /** Asks the agent and everything it started to shut down, waits, and kills them after the grace period. */
  stop(agent: { agentId: string; pid: number | null; workspaceId: string }): Promise<void>;
  /** Clones the task's repository into the workspace, on a branch of its own (once, before its first start). */
  checkout(input: {
    workspaceId: string;
    uid: number;
    url: string;
    baseRef?: string;
    branch: string;
    identity: { name: string; email: string };
    /** The task owner's credential for the repository's host, answered to git from memory. */
    credential?: GitCredentialAnswer;
  }): Promise<Checkout>;
  /** Gives a task without a repository an empty one in the workspace, on a branch of its own (once, before its first start). */
  initRepository(input: { workspaceId: string; uid: number; branch: string; identity: { name: string; email: string } }): Promise<Checkout>;
  /**
   * Runs a template's setup script in the workspace's sandbox (its uid, network, limits and /tmp,
   * as the agent's commands get them) with the environment the coding agent would get from `env`,
   * in its repository (the workspace when it has none). Its stdout and stderr go to `onOutput` as
   * written; `signal` kills it with everything it started, as does its own end. Resolves with how it ended.
   */
  runSetupScript(input: {
    workspaceId: string;
    uid: number;
    script: string;
    env: string[];
    /** The template version's own variables (lib/templates/workspace-env.ts), as the agent gets them. */
    values: Record<string, string>;
    sandbox: TemplateSandbox | null;
    onOutput: (chunk: Buffer) => void;
    signal: AbortSignal;
  }): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Is the workspace's directory on this host? (A new host, or a wiped one, has none: a start then restores it from its work snapshot.) */
  hasWorkspace(input: { workspaceId: string }): Promise<boolean>;
  /**
   * Rebuilds a workspace this host does not have from its last work snapshot (README "What survives
   * a lost host"): the repository cloned again (or made, without `url`), the bundle and the diff on
   * top, the coding agent's session files in the workspace and the agent's state in its state dir.
   * Untrusted content is applied in the workspace's sandbox as its uid. Returns what could not be
   * restored (the rest is in place); throws when the workspace cannot be rebuilt at all.
   */
  restore(input: { workspaceId: string; uid: number; repository: RestoreRepository | null; snapshot: WorkSnapshotBytes }): Promise<{ notes: string[] }>;
  /** Stops and removes the workspace. */
  remove(input: { workspaceId: string }): Promise<void>;
  /** Is this agent's process still running? */
  isAlive(agent: { agentId: string; pid: number | null }): boolean;
  /** Resolves with an exit description if the agent process ends (only for processes this driver spawned). */
  exited(agentId: string): Promise<string> | undefined;
  readonly host: string;
}
