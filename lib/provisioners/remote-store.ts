import type { ClaimedBuild, LiveAgent } from "../db/queries/jobs";
import { plainRequest } from "../http-request";
import type { CheckoutPlan, OrphanedWorkspace, ProvisionerStore, StoredAgent } from "../workspaces/provisioner-store";
import type { TemplateVariables } from "../templates/workspace-env";
import type { WorkSnapshotRestorePlan } from "../work-snapshots/restore";
import { snapshotFromWire, type WorkSnapshotWire } from "../work-snapshots/types";

/** The header that names a remote provisioner's registration on every call after `register`. */
export const PROVISIONER_ID_HEADER = "taskyard-provisioner-id";

/** The server could not be asked (down, unreachable, timed out): the daemon waits and asks again. */
export class ServerUnreachable extends Error {
  readonly name = "ServerUnreachable";
}

/** The server refused the provisioner key (deleted, or never valid): the daemon must stop. */
export class ProvisionerKeyRefused extends Error {
  readonly name = "ProvisionerKeyRefused";
}

export type ServerConnection = {
  url: string;
  key: string;
  /** The CA (PEM) the server's certificate is checked against instead of the system's (`--ca`, TASKYARD_CA_FILE). */
  ca?: string;
};

/** The answers of one server call, parsed; errors as the classes above, or the server's own message. */
export async function callServer<T>(server: ServerConnection, path: string, body: unknown, options: { provisionerId?: string; timeoutMs?: number } = {}): Promise<T> {
  const headers: Record<string, string> = { authorization: `Bearer ${server.key}`, "content-type": "application/json", accept: "application/json" };
  if (options.provisionerId) headers[PROVISIONER_ID_HEADER] = options.provisionerId;
  let res;
  try {
    res = await plainRequest(new URL(path, `${server.url}/`), { method: "POST", headers, body: JSON.stringify(body), timeoutMs: options.timeoutMs ?? 30_000, maxBytes: 64 * 1024 * 1024, tls: server.ca ? { ca: server.ca } : undefined });
  } catch (error) {
    throw new ServerUnreachable(`${server.url} did not answer: ${error instanceof Error ? error.message : String(error)}`);
  }
  const text = res.body.toString("utf8");
  if (res.status === 401) throw new ProvisionerKeyRefused(`The server refused this provisioner key: ${messageOf(text)}`);
  if (res.status >= 500) throw new ServerUnreachable(`${server.url} answered ${res.status}: ${messageOf(text)}`);
  if (res.status >= 400) throw new Error(`${path}: ${res.status} ${messageOf(text)}`);
  return (res.status === 204 || !text ? null : JSON.parse(text)) as T;
}

function messageOf(text: string): string {
  try {
    const body = JSON.parse(text) as { message?: string; detail?: string; validations?: { field: string; detail: string }[] };
    const fields = body.validations?.map((v) => `${v.field}: ${v.detail}`).join("; ");
    return [body.message, body.detail, fields].filter(Boolean).join(" ") || text.slice(0, 200);
  } catch {
    return text.slice(0, 200);
  }
}

/**
 * The provisioner API as a ProvisionerStore: each step of a build is one HTTPS call to the server,
 * which does it in the database after checking the step is this provisioner's to take. A remote
 * provisioner holds its key and nothing else: no database URL, no other host's secrets.
 */
export function remoteStore(server: ServerConnection, provisionerId: string): ProvisionerStore {
  const call = <T>(method: string, params: object, timeoutMs?: number) => callServer<T>(server, `/api/v2/provisionerd/${method}`, params, { provisionerId, timeoutMs });
  return {
    // The server holds a claim up to waitMs: the answer may take that long, and a little more.
    claim: (p) => call<ClaimedBuild | null>("claim", p, p.waitMs + 15_000).then((b) => b ?? undefined),
    renew: (buildId, leaseMs) => call<boolean>("renew", { buildId, leaseMs }),
    finish: (buildId, outcome) => call<boolean>("finish", { buildId, outcome }),
    currentAgent: (workspaceId) => call<StoredAgent | null>("currentAgent", { workspaceId }).then((a) => a ?? undefined),
    agentOff: (agentId) => call<void>("agentOff", { agentId }),
    checkoutPlan: (workspaceId) => call<CheckoutPlan>("checkoutPlan", { workspaceId }),
    recordCheckout: (workspaceId, checkout) => call<void>("recordCheckout", { workspaceId, checkout }),
    templateVariables: (buildId) => call<TemplateVariables>("templateVariables", { buildId }),
    startSetupLog: (buildId, timeoutSeconds) => call<void>("startSetupLog", { buildId, timeoutSeconds }),
    updateSetupLog: (buildId, tail) => call<void>("updateSetupLog", { buildId, tail }),
    finishSetupLog: (buildId, values) => call<void>("finishSetupLog", { buildId, values }),
    createAgent: (buildId) => call<{ agentId: string; token: string }>("createAgent", { buildId }),
    agentStarted: (agentId, { pid }) => call<void>("agentStarted", { agentId, pid }),
    lifecycles: async (agentIds) => new Map(Object.entries(await call<Record<string, string>>("lifecycles", { agentIds }))),
    snapshotPlan: (workspaceId) => call<{ baseCommit: string | null } | null>("snapshotPlan", { workspaceId }).then((p) => p ?? undefined),
    storeSnapshot: (workspaceId, snapshot) => call<void>("storeSnapshot", { workspaceId, ...snapshot }),
    workspaceRemoved: (workspaceId) => call<void>("workspaceRemoved", { workspaceId }),
    markCrashed: (agentId, workspaceId, how) => call<boolean>("markCrashed", { agentId, workspaceId, how }),
    agentsOnHost: () => call<LiveAgent[]>("agentsOnHost", {}),
    runningWorkspaces: () => call<OrphanedWorkspace[]>("runningWorkspaces", {}),
    restartWorkspace: (workspace: OrphanedWorkspace) => call<void>("restartWorkspace", { workspace }),
    restorePlan: async (workspaceId) => {
      const plan = await call<(Omit<WorkSnapshotRestorePlan, "snapshot"> & { snapshot: WorkSnapshotWire }) | null>("restorePlan", { workspaceId });
      return plan ? { ...plan, snapshot: snapshotFromWire(plan.snapshot) } : undefined;
    },
  };
}
