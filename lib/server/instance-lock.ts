import { createHash } from "node:crypto";
import fs from "node:fs";
import net from "node:net";

export type InstanceLock = { release: () => Promise<void> };

export class DataDirInUseError extends Error {
  constructor(
    dataDir: string,
    readonly pid: number | undefined,
  ) {
    super(`${dataDir} is in use by the server with pid ${pid ?? "unknown"}; stop it first or set TASKYARD_DATA_DIR`);
  }
}

/**
 * The lock on a data dir is a listening socket in Linux's abstract namespace, named after the data
 * dir: the kernel lets one process hold the name and drops it the moment that process dies (even
 * SIGKILL), so there is no stale lock to guess about. Whoever asks is told the holder's pid.
 */
export async function acquireInstanceLock(dataDir: string): Promise<InstanceLock> {
  const name = `\0taskyard:${createHash("sha256").update(fs.realpathSync(dataDir)).digest("hex")}`;
  const server = net.createServer((socket) => socket.end(String(process.pid)));
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(name, () => resolve());
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EADDRINUSE") throw error;
    throw new DataDirInUseError(dataDir, await holderPid(name));
  }
  server.unref();
  return { release: () => new Promise((resolve) => server.close(() => resolve())) };
}

function holderPid(name: string): Promise<number | undefined> {
  return new Promise((resolve) => {
    let answer = "";
    const socket = net.connect(name);
    socket.setTimeout(1000, () => socket.destroy());
    socket.on("data", (chunk) => (answer += chunk));
    socket.on("close", () => resolve(Number(answer) || undefined));
    socket.on("error", () => resolve(undefined));
  });
}
