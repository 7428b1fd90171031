import os from "node:os";
import { dataDir, env } from "../env";
import { logger } from "../logger";
import { resolveSandbox } from "../sandbox/bubblewrap";
import { VERSION } from "../version";
import { createLocalDriver } from "../workspaces/drivers/local";
import { Provisioner } from "../workspaces/provisioner";
import { callServer, remoteStore, type ServerConnection } from "./remote-store";

export type RemoteProvisionerOptions = ServerConnection & {
  /** The name this host's agents are recorded and found under (unique per server); the machine's host name by default. */
  name?: string;
  /** Tags it offers templates (a key that pins tags decides them instead). */
  tags: Record<string, string>;
  /** The address of this host the server reaches its agents at (their TLS port); loopback when the server runs here. */
  advertise?: string;
  /** Called when the server refuses the key (revoked): the daemon has stopped its agents and should exit. */
  onRefused?: (error: Error) => void;
};

/** How long one claim waits on the server: idle, a daemon asks about twice a minute, and is seen alive as often. */
const CLAIM_WAIT_MS = 10_000;

/**
 * A provisioner on another host: registers with the server under its key, then carries out the
 * builds the server hands it with the local driver and bubblewrap — everything else (the database,
 * git credentials' storage, other hosts' agents) stays on the server's side of the API.
 */
export async function startRemoteProvisioner(options: RemoteProvisionerOptions) {
  const config = env();
  const server: ServerConnection = { url: options.url.replace(/\/+$/, ""), key: options.key, ca: options.ca };
  const host = options.name ?? os.hostname();
  const registered = await callServer<{ id: string; tags: Record<string, string> }>(server, "/api/v2/provisionerd/register", { host, tags: options.tags, version: VERSION });
  const sandbox = resolveSandbox(config.TASKYARD_SANDBOX, (line) => logger.warn(line));
  const provisioner = new Provisioner({
    store: () => remoteStore(server, registered.id),
    driver: createLocalDriver({ dataDir: dataDir(), serverUrl: server.url, sandbox, host, advertise: options.advertise, serverCa: options.ca }),
    leaseMs: config.TASKYARD_LEASE_MS,
    agentConnectTimeoutMs: config.TASKYARD_AGENT_CONNECT_TIMEOUT_MS,
    concurrency: config.TASKYARD_BUILD_CONCURRENCY,
    buildsPerUser: config.TASKYARD_BUILDS_PER_USER,
    claimWaitMs: CLAIM_WAIT_MS,
    onRefused: options.onRefused,
  });
  await provisioner.start();
  return { provisioner, host, tags: registered.tags, stop: (o?: { stopAgents?: boolean }) => provisioner.stop(o) };
}
