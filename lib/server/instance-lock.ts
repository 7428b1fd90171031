import { createHash } from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";

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
 * The lock on a data dir is a listening socket. On Linux it lives in the abstract namespace, named
 * after the data dir: the kernel lets one process hold the name and drops it the moment that process
 * dies (even SIGKILL), so there is no stale lock to guess about. Elsewhere (macOS) it is a socket
 * file in the data dir, which a killed holder leaves behind: one nobody answers on is stale and is
 * replaced (lockSocketPath).
 */
export async function acquireInstanceLock(dataDir: string, { abstract = process.platform === "linux" } = {}): Promise<InstanceLock> {
  const name = abstract ? lockName(dataDir) : lockSocketPath(dataDir);
  if (!abstract && (await answers(name)) === false) fs.rmSync(name, { force: true });
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

/** The socket file that locks a data dir where there is no abstract namespace. */
export function lockSocketPath(dataDir: string): string {
  return path.join(fs.realpathSync(dataDir), "taskyard.lock");
}

/** Whether someone listens on a socket file: true, false (a file nobody answers on), or undefined (no file). */
function answers(socketPath: string): Promise<boolean | undefined> {
  if (!fs.existsSync(socketPath)) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    const socket = net.connect(socketPath);
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}
