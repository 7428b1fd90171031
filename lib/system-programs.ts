import fs from "node:fs";
import path from "node:path";

/**
 * Where the programs Taskyard itself runs (often as root) are looked up: the system's own
 * directories, never the inherited PATH — `npm start` puts `node_modules/.bin` first on it, and a
 * directory there may be writable by others (or by an agent).
 */
export const SYSTEM_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/** Every program the server, the launcher and the provisioner run by name. */
export const SYSTEM_PROGRAMS = ["sh", "git", "bwrap", "setpriv", "slirp4netns", "chown", "tar"] as const;
export type SystemProgram = (typeof SYSTEM_PROGRAMS)[number];

type Found = { path: string } | { missing: string };

/**
 * The first executable regular file called `name` in `searchPath`. One that anybody may replace
 * (world-writable, or a link or file in a world-writable directory without the sticky bit) is
 * refused rather than skipped: falling through to a later directory would hide the problem.
 */
export function findProgram(name: string, searchPath: string = SYSTEM_PATH): Found {
  for (const dir of searchPath.split(path.delimiter).filter((d) => path.isAbsolute(d))) {
    const candidate = path.join(dir, name);
    let stat: fs.Stats;
    let target: string;
    try {
      stat = fs.statSync(candidate);
      fs.accessSync(candidate, fs.constants.X_OK);
      target = fs.realpathSync(candidate);
    } catch {
      continue;
    }
    if (!stat.isFile()) continue;
    if (stat.mode & 0o002) return { missing: `${candidate} is writable by anyone` };
    for (const parent of new Set([fs.realpathSync(dir), path.dirname(target)])) {
      const mode = fs.statSync(parent).mode;
      if (mode & 0o002 && !(mode & 0o1000)) return { missing: `${candidate} is in ${parent}, which anyone may write to` };
    }
    return { path: candidate };
  }
  return { missing: `${name} is not installed (looked in ${searchPath})` };
}

let resolved: Map<SystemProgram, Found> | undefined;

/**
 * Resolves every program once, the first time one is asked for (or at start: the launcher and the
 * provisioner call this), so that nothing put on disk later changes what runs.
 */
export function resolveSystemPrograms(): void {
  resolved ??= new Map(SYSTEM_PROGRAMS.map((name) => [name, findProgram(name)]));
}

/** The absolute path of `name`, as resolved at start; throws a clear error when it is not there. */
export function program(name: SystemProgram): string {
  const found = lookUp(name);
  if ("missing" in found) throw new Error(`cannot run ${name}: ${found.missing}`);
  return found.path;
}

/** Why `name` cannot be run, or undefined if it can: for callers with a way round a missing one. */
export function whyMissing(name: SystemProgram): string | undefined {
  const found = lookUp(name);
  return "missing" in found ? found.missing : undefined;
}

function lookUp(name: SystemProgram): Found {
  resolveSystemPrograms();
  return resolved!.get(name)!;
}
