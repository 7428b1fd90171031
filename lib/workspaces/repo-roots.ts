import fs from "node:fs";
import path from "node:path";
import { isWithin } from "../repo-url";

const real = (p: string) => {
  try {
    return fs.realpathSync(p);
  } catch {
    return path.resolve(p);
  }
};

/**
 * Refuses a configuration where the data dir (the database, its password, every workspace) and an
 * allowed local-repository root overlap: the clone sandbox shows git the whole of every root.
 * Compared by real paths both ways, at start, before anything runs.
 */
export function assertRepoRootsApart(roots: readonly string[], dataDir: string): void {
  const data = real(dataDir);
  for (const root of roots) {
    const resolved = real(root);
    if (isWithin(data, resolved) || isWithin(resolved, data)) {
      throw new Error(`TASKYARD_LOCAL_REPO_ROOTS: ${root} and the data dir ${dataDir} overlap; a repository root must never hold Taskyard's data (nor be inside it)`);
    }
  }
}
