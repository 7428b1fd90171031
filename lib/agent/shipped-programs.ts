import path from "node:path";

/**
 * This checkout: two levels above this module both in the sources (lib/agent) and in the agent
 * bundle (dist/agent); in the web app's bundle, which has no module paths, its working directory,
 * which the launcher makes the checkout.
 */
const ROOT = import.meta.dirname ? path.resolve(import.meta.dirname, "../..") : process.cwd();

/**
 * Where the agent programs Taskyard ships as npm dependencies are (`claude-code-acp`). The
 * sandbox binds node_modules read-only at the same path, so they run there as they are.
 */
export const SHIPPED_BIN_DIR = path.join(ROOT, "node_modules", ".bin");

/**
 * The PATH an agent's command is looked up on: the server's own first (what an owner installed
 * wins), then the directory of the Node running us (a shipped program starts with
 * `#!/usr/bin/env node`), then the shipped programs.
 */
export function withShippedPrograms(searchPath: string | undefined): string {
  const dirs = [...(searchPath ?? "").split(path.delimiter), path.dirname(process.execPath), SHIPPED_BIN_DIR].filter(Boolean);
  return [...new Set(dirs)].join(path.delimiter);
}
