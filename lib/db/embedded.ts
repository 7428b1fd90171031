import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs/promises";
import path from "node:path";
import { logger } from "../logger";
import { freeLoopbackPort } from "../ports";
import { Supervisor } from "../server/supervisor";
import { APP_PASSWORD_FILE, lockDownDataDir, postgresUser, SUPERUSER_PASSWORD_FILE, writeSecretFile } from "./data-dir-layout";
import { APP_ROLE, DATABASE, secureClusterRoles, SUPERUSER } from "./embedded-roles";
import { initCluster } from "./initdb";
import { postgresEnvironment } from "./postgres-environment";
import { postgresBinaries } from "./postgres-binaries";
import { processInfo } from "../process-info";

export type EmbeddedDatabase = {
  /** The app role's: what the server, migrations and the provisioner use. */
  url: string;
  /** The superuser's, for tests that need a second database; the launcher never hands it on. */
  superuserUrl: string;
  pid: () => number | undefined;
  stop: () => Promise<void>;
};

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitForExit(pid: number, ms: number): Promise<boolean> {
  for (let waited = 0; waited < ms && isAlive(pid); waited += 100) await new Promise((r) => setTimeout(r, 100));
  return !isAlive(pid);
}

/** Its command line decides: a postgres started on this data dir (as spawnPostgres starts it, `-D <dir>`). */
async function isPostgresOf(pid: number, pgDir: string): Promise<boolean> {
  const info = processInfo(pid);
  if (!info) return false;
  const line = `${info.commandLine} `;
  const dirs = [pgDir, await fs.realpath(pgDir).catch(() => pgDir)];
  return dirs.some((dir) => {
    const at = line.indexOf(` -D ${dir} `);
    return at > 0 && path.basename(line.slice(0, at)) === "postgres";
  });
}

/**
 * A `postmaster.pid` left behind. Only the launcher holding the data dir's lock gets here, so a
 * live postgres of this data dir is one a killed launcher left: stop it. A pid that is anything
 * else (reused after a crash or reboot) is never signalled; the stale file goes instead, or
 * PostgreSQL would refuse to start ("lock file already exists").
 */
async function clearLeftover(pgDir: string): Promise<void> {
  const pidFile = path.join(pgDir, "postmaster.pid");
  const pid = Number((await fs.readFile(pidFile, "utf8").catch(() => "")).split("\n")[0]);
  if (!pid || !isAlive(pid)) return;
  if (await isPostgresOf(pid, pgDir)) {
    logger.warn({ pid }, "stopping a PostgreSQL left running by an earlier launcher");
    process.kill(pid, "SIGINT");
    if (!(await waitForExit(pid, 10_000))) process.kill(pid, "SIGKILL");
    await waitForExit(pid, 5_000);
    return;
  }
  logger.warn({ pid }, "postmaster.pid names a process that is not this data dir's PostgreSQL; removing the stale file");
  await fs.rm(pidFile, { force: true });
}

/**
 * One postmaster, in its own process group: a Ctrl+C or a SIGTERM to our group must not stop the
 * database under the agents' final snapshots; the launcher stops it last. Resolves once it accepts
 * connections; rejects with its last words if it exits first.
 */
async function spawnPostgres(pgDir: string, port: number): Promise<ChildProcess> {
  await clearLeftover(pgDir);
  const { postgres: binary } = await postgresBinaries();
  const child = spawn(
    binary,
    ["-D", pgDir, "-p", String(port), "-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=", "-c", "max_connections=200"],
    { ...postgresUser(), detached: true, stdio: ["ignore", "ignore", "pipe"], env: postgresEnvironment(pgDir) },
  );
  const lastLines: string[] = [];
  await new Promise<void>((resolve, reject) => {
    child.stderr!.setEncoding("utf8").on("data", (text: string) => {
      for (const line of text.split("\n").filter(Boolean)) {
        logger.debug({ pg: line }, "postgres");
        lastLines.splice(0, lastLines.length - 4, line);
        if (line.includes("database system is ready to accept connections")) resolve();
      }
    });
    child.once("exit", (code, signal) =>
      reject(new Error(`PostgreSQL exited during start-up (${signal ?? `code ${code}`}): ${lastLines.join(" | ")}`)),
    );
    child.once("error", reject);
  });
  return child;
}

/** Fast shutdown (SIGINT); immediate (SIGQUIT) if that takes over 5 s. */
async function stopPostgres(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGINT");
  const timer = setTimeout(() => child.kill("SIGQUIT"), 5000);
  await exited;
  clearTimeout(timer);
}

/** A password kept in the data dir, made on first use. */
async function storedPassword(file: string): Promise<string> {
  const stored = (await fs.readFile(file, "utf8").catch(() => "")).trim();
  if (stored) return stored;
  const password = crypto.randomUUID().replaceAll("-", "");
  await writeSecretFile(file, password);
  return password;
}

/**
 * A real PostgreSQL under `<dataDir>/pg` on a free loopback port (initialised on first use), kept
 * running: if it dies it is restarted on the same port (the URL stays valid), and after too many
 * deaths `onGiveUp` is told why. The passwords live beside the cluster, so a restart reuses them; at
 * every start the roles are checked and, for a cluster of an earlier version, made least-privilege.
 */
export async function startEmbeddedPostgres(
  dataDir: string,
  { onGiveUp = (reason: string) => logger.error(reason), port: fixedPort }: { onGiveUp?: (reason: string) => void; port?: number } = {},
): Promise<EmbeddedDatabase> {
  const pgDir = path.join(dataDir, "pg");
  await fs.mkdir(dataDir, { recursive: true });
  const appPasswordFile = path.join(dataDir, APP_PASSWORD_FILE);
  const superuserPasswordFile = path.join(dataDir, SUPERUSER_PASSWORD_FILE);
  const initialised = await fs
    .stat(path.join(pgDir, "PG_VERSION"))
    .then(() => true)
    .catch(() => false);
  if (!initialised) {
    // A new cluster: passwords of an earlier, half-made one would not match it.
    await fs.rm(appPasswordFile, { force: true });
    await fs.rm(superuserPasswordFile, { force: true });
  }
  const appPassword = await storedPassword(appPasswordFile);
  // Before the cluster is touched: an upgrade interrupted after its first step needs this password to go on.
  const superuserPassword = await storedPassword(superuserPasswordFile);
  if (!initialised) await initCluster(dataDir, pgDir, superuserPassword);
  await lockDownDataDir(dataDir, pgDir);

  const port = fixedPort ?? (await freeLoopbackPort());
  const supervisor = new Supervisor({
    name: "PostgreSQL",
    start: () => spawnPostgres(pgDir, port),
    stop: stopPostgres,
    onGiveUp,
  });
  await supervisor.start();
  try {
    await secureClusterRoles({ port, appPassword, superuserPassword });
  } catch (error) {
    await supervisor.stop();
    throw error;
  }
  return {
    url: `postgres://${APP_ROLE}:${appPassword}@127.0.0.1:${port}/${DATABASE}`,
    superuserUrl: `postgres://${SUPERUSER}:${superuserPassword}@127.0.0.1:${port}/${DATABASE}`,
    pid: () => supervisor.pid,
    stop: () => supervisor.stop(),
  };
}
