import { createDb } from "../db/client";
import { dataDir, env } from "../env";
import { logger } from "../logger";
import { resolveSandbox } from "../sandbox/bubblewrap";
import { createLocalDriver } from "./drivers/local";
import { Provisioner } from "./provisioner";
import { assertRepoRootsApart } from "./repo-roots";
import { agentServerCa } from "../server/tls";

/** A provisioner with its own connection pool and the local driver, as `npm start` and `taskyard provisioner` run it. */
export async function startProvisioner(databaseUrl: string, serverUrl: string) {
  const config = env();
  assertRepoRootsApart(config.TASKYARD_LOCAL_REPO_ROOTS, dataDir());
  const sandbox = resolveSandbox(config.TASKYARD_SANDBOX, (line) => logger.warn(line));
  const { db, sql } = createDb(databaseUrl, { max: 4 });
  const provisioner = new Provisioner({
    db,
    sql,
    driver: createLocalDriver({ dataDir: dataDir(), serverUrl, sandbox, serverCa: agentServerCa() }),
    leaseMs: config.TASKYARD_LEASE_MS,
    agentConnectTimeoutMs: config.TASKYARD_AGENT_CONNECT_TIMEOUT_MS,
    concurrency: config.TASKYARD_BUILD_CONCURRENCY,
    buildsPerUser: config.TASKYARD_BUILDS_PER_USER,
    autoPauseSweepMs: config.TASKYARD_AUTO_PAUSE_SWEEP_MS,
  });
  await provisioner.start();
  return {
    provisioner,
    stop: async (options?: { stopAgents?: boolean }) => {
      await provisioner.stop(options);
      await sql.end({ timeout: 5 });
    },
  };
}

export function localServerUrl(): string {
  const { TASKYARD_ACCESS_URL, HOSTNAME, PORT, TASKYARD_TLS_CERT_FILE } = env();
  if (TASKYARD_ACCESS_URL) return TASKYARD_ACCESS_URL.replace(/\/+$/, "");
  const host = !HOSTNAME || HOSTNAME === "0.0.0.0" || HOSTNAME === "::" ? "127.0.0.1" : HOSTNAME;
  // Over HTTPS the certificate must name this address (or set TASKYARD_ACCESS_URL to a name it has).
  return `${TASKYARD_TLS_CERT_FILE ? "https" : "http"}://${host.includes(":") ? `[${host}]` : host}:${PORT}`;
}
