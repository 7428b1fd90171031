import { createHash } from "node:crypto";
import fs from "node:fs";
import net from "node:net";

export type InstanceLock = { release: () => Promise<void> };

/**
 * Names no pid: whoever holds the name could be anything able to bind an abstract socket (an
 * agent's sandbox shares the namespace), so a pid it told us could not be believed.
 */
export class DataDirInUseError extends Error {
  constructor(dataDir: string) {
    super(`${dataDir} is in use by another Taskyard server; stop it first or set TASKYARD_DATA_DIR`);
  }
}

/**
 * The lock on a data dir is a listening socket in Linux's abstract namespace, named after the data
 * dir: the kernel lets one process hold the name and drops it the moment that process dies (even
 * SIGKILL), so there is no stale lock to guess about.
 */
export async function acquireInstanceLock(dataDir: string): Promise<InstanceLock> {
  const name = lockName(dataDir);
  const server = net.createServer((socket) => socket.end());
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(name, () => resolve());
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EADDRINUSE") throw error;
    throw new DataDirInUseError(dataDir);
  }
  server.unref();
  return { release: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** The abstract socket's name for a data dir (exported for the test that squats on it). */
export function lockName(dataDir: string): string {
  return `\0taskyard:${createHash("sha256").update(fs.realpathSync(dataDir)).digest("hex")}`;
}
