import { execFileSync } from "node:child_process";
import fs from "node:fs/promises";
import path from "node:path";

/** The embedded cluster's password files: root's alone, never the `postgres` user's. */
export const APP_PASSWORD_FILE = "pg-password";
export const SUPERUSER_PASSWORD_FILE = "pg-superuser-password";

export function isRoot(): boolean {
  return process.getuid?.() === 0;
}

/** PostgreSQL refuses to run as root: as root, it runs as the `postgres` user initdb was run as. */
export function postgresUser(): { uid?: number; gid?: number } {
  if (!isRoot()) return {};
  const id = (flag: string) => Number(execFileSync("/usr/bin/id", [flag, "postgres"], { encoding: "utf8" }).trim());
  return { uid: id("-u"), gid: id("-g") };
}

/**
 * The data dir holds the database passwords and every workspace. As root, PostgreSQL runs as the
 * `postgres` user, which must reach its cluster directory and nothing else: the data dir is
 * root:postgres 0710 (it may pass through, not list, create, rename or replace anything), the
 * cluster directory is its own 0700, the password files root's 0600. Data dirs of earlier versions
 * were the `postgres` user's: this takes them back at every start. Not root: nothing changes owner,
 * and the data dir is 0700.
 */
export async function lockDownDataDir(dataDir: string, pgDir: string): Promise<void> {
  const passwordFiles = [APP_PASSWORD_FILE, SUPERUSER_PASSWORD_FILE].map((name) => path.join(dataDir, name));
  if (isRoot()) {
    const { uid, gid } = postgresUser();
    await fs.chown(dataDir, 0, gid!);
    await fs.chmod(dataDir, 0o710);
    await fs.chown(pgDir, uid!, gid!);
    for (const file of passwordFiles) await fs.chown(file, 0, 0).catch(ignoreMissing);
  } else {
    await fs.chmod(dataDir, 0o700);
  }
  await fs.chmod(pgDir, 0o700);
  for (const file of passwordFiles) await fs.chmod(file, 0o600).catch(ignoreMissing);
}

function ignoreMissing(error: NodeJS.ErrnoException): void {
  if (error.code !== "ENOENT") throw error;
}

/** Written whole or not at all (a crash must not leave half a password), readable by its owner only. */
export async function writeSecretFile(file: string, secret: string): Promise<void> {
  const temporary = `${file}.${process.pid}.tmp`;
  const handle = await fs.open(temporary, "w", 0o600);
  try {
    await handle.writeFile(secret);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await fs.rename(temporary, file);
}
