import { createDb } from "../db/client";
import { dataDir, env } from "../env";
import { logger } from "../logger";
import { registerProvisioner, touchProvisioner } from "../provisioners/registry";
import { parseTagList } from "../validation/provisioners";
import { VERSION } from "../version";
import { resolveSandbox } from "../sandbox/bubblewrap";
import { createLocalDriver } from "./drivers/local";
import { databaseStore } from "./database-store";
import { Provisioner } from "./provisioner";
import { assertRepoRootsApart } from "./repo-roots";
import { agentServerCa } from "../server/tls";

/** A provisioner with its own connection pool and the local driver, as `npm start` and `taskyard provisioner` run it. */
export async function startProvisioner(databaseUrl: string, serverUrl: string) {
  const config = env();
  assertRepoRootsApart(config.TASKYARD_LOCAL_REPO_ROOTS, dataDir());
  const sandbox = resolveSandbox(config.TASKYARD_SANDBOX, (line) => logger.warn(line));
  const { db, sql } = createDb(databaseUrl, { max: 4 });
  const driver = createLocalDriver({ dataDir: dataDir(), serverUrl, sandbox, serverCa: agentServerCa() });
  // Registered like any daemon (no key), so the settings list it and builds can be routed to its host.
  const parsed = parseTagList(config.TASKYARD_PROVISIONER_TAGS ? [config.TASKYARD_PROVISIONER_TAGS] : []);
  const tags = "tags" in parsed ? parsed.tags : {};
  const registration = await registerProvisioner(db, { keyId: null, host: driver.host, tags, version: VERSION });
  const provisioner = new Provisioner({
    db,
    store: (holder) => databaseStore({ db, sql, holder, tags: registration.tags, host: driver.host }),
    driver,
    leaseMs: config.TASKYARD_LEASE_MS,
    agentConnectTimeoutMs: config.TASKYARD_AGENT_CONNECT_TIMEOUT_MS,
    concurrency: config.TASKYARD_BUILD_CONCURRENCY,
    buildsPerUser: config.TASKYARD_BUILDS_PER_USER,
    autoPauseSweepMs: config.TASKYARD_AUTO_PAUSE_SWEEP_MS,
  });
  await provisioner.start();
  // Its heartbeat: seen within TASKYARD_HOST_LOST_AFTER_MS, builds bound to its host wait for it.
  const heartbeat = setInterval(() => void touchProvisioner(db, registration.id).catch(() => {}), Math.min(5000, config.TASKYARD_HOST_LOST_AFTER_MS / 3));
  heartbeat.unref();
  return {
    provisioner,
    stop: async (options?: { stopAgents?: boolean }) => {
      clearInterval(heartbeat);
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
