import fs from "node:fs/promises";
import path from "node:path";

/** Where a workspace's parts live in the data dir: its files (its uid's), its agent's state (the agent uid's) and its log (root's). */
export function workspaceLayout(dataDir: string) {
  return {
    workspaceDir: (workspaceId: string) => path.join(dataDir, "workspaces", workspaceId),
    stateDir: (workspaceId: string) => path.join(dataDir, "agents", workspaceId),
    logFile: (workspaceId: string) => path.join(dataDir, "logs", `${workspaceId}.log`),
  };
}

/** Root-owned directories (0700) of the data dir: nothing of an agent's can be planted in them. */
export async function privateDir(dir: string) {
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
}

const resolvFiles = new Map<string, Promise<string>>();

/** The sandboxes' resolv.conf: slirp4netns answers DNS at 10.0.2.3 (the host's may name its loopback). Written once per process. */
export function sandboxResolvConf(dataDir: string): Promise<string> {
  let file = resolvFiles.get(dataDir);
  if (!file) {
    file = (async () => {
      const at = path.join(dataDir, "sandbox-resolv.conf");
      await fs.writeFile(at, "nameserver 10.0.2.3\n", { mode: 0o644 });
      return at;
    })();
    file.catch(() => resolvFiles.delete(dataDir));
    resolvFiles.set(dataDir, file);
  }
  return file;
}
