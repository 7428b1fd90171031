import fs from "node:fs";
import path from "node:path";

/** What a workspace may use at most. */
export type WorkspaceLimits = { pids: number; memoryBytes: number; cpuWeight: number };

const ROOT = "/sys/fs/cgroup";

/** A workspace's control group: the files a process joins it by, and how to empty and remove it. */
export type WorkspaceCgroup = { procsFiles: string[]; killAll: () => Promise<void>; remove: () => void };

type Layout = { version: 1 | 2; dirs: Record<string, string> } | { version: 0; reason: string };
let layout: Layout | undefined;

/**
 * Where this process may make control groups: under its own group, per controller on cgroup v1
 * (pids, memory, cpu) or in the unified tree on v2. Read once from /proc/self/cgroup.
 */
function detect(): Layout {
  if (process.getuid?.() !== 0) return { version: 0, reason: "not running as root" };
  const own = new Map<string, string>();
  try {
    for (const line of fs.readFileSync("/proc/self/cgroup", "utf8").trim().split("\n")) {
      const [, controllers, where] = line.split(":");
      for (const c of controllers.split(",")) own.set(c, where);
    }
  } catch {
    return { version: 0, reason: "no /proc/self/cgroup" };
  }
  if (fs.existsSync(path.join(ROOT, "cgroup.controllers"))) {
    const dir = path.join(ROOT, own.get("") ?? "/");
    return { version: 2, dirs: { unified: dir } };
  }
  const dirs: Record<string, string> = {};
  for (const controller of ["pids", "memory", "cpu"]) {
    const mount = path.join(ROOT, controller);
    if (!fs.existsSync(path.join(mount, "cgroup.procs"))) return { version: 0, reason: `no cgroup v1 ${controller} controller` };
    dirs[controller] = path.join(mount, own.get(controller) ?? "/");
  }
  return { version: 1, dirs };
}

function write(file: string, value: string) {
  fs.writeFileSync(file, value);
}

/** The control group of a workspace as it is, without making or changing it (to empty or remove it). */
export function existingCgroup(name: string): WorkspaceCgroup | undefined {
  layout ??= detect();
  if (layout.version === 0) return undefined;
  const dirs = Object.values(layout.dirs).map((parent) => path.join(parent, `taskyard-${name}`)).filter((dir) => fs.existsSync(dir));
  if (dirs.length === 0) return undefined;
  const procsFiles = dirs.map((dir) => path.join(dir, "cgroup.procs"));
  const killFile = layout.version === 2 ? path.join(dirs[0], "cgroup.kill") : undefined;
  return { procsFiles, killAll: () => killAll(procsFiles, killFile), remove: () => removeGroups(dirs) };
}

/**
 * Makes (or finds) the control group of one workspace and sets its limits: pids, memory (swap
 * included where the kernel counts it) and CPU weight. Null where this host gives us none (not
 * root, no writable controllers), with the reason; the caller says so once.
 */
export function workspaceCgroup(name: string, limits: WorkspaceLimits): WorkspaceCgroup | { reason: string } {
  layout ??= detect();
  if (layout.version === 0) return { reason: layout.reason };
  const group = `taskyard-${name}`;
  try {
    if (layout.version === 2) {
      const parent = layout.dirs.unified;
      const enabled = fs.readFileSync(path.join(parent, "cgroup.subtree_control"), "utf8");
      for (const c of ["pids", "memory", "cpu"]) if (!enabled.includes(c)) write(path.join(parent, "cgroup.subtree_control"), `+${c}`);
      const dir = path.join(parent, group);
      fs.mkdirSync(dir, { recursive: true });
      write(path.join(dir, "pids.max"), String(limits.pids));
      write(path.join(dir, "memory.max"), String(limits.memoryBytes));
      write(path.join(dir, "memory.swap.max"), "0");
      write(path.join(dir, "cpu.weight"), String(limits.cpuWeight));
      return {
        procsFiles: [path.join(dir, "cgroup.procs")],
        killAll: () => killAll([path.join(dir, "cgroup.procs")], path.join(dir, "cgroup.kill")),
        remove: () => removeGroups([dir]),
      };
    }
    const dirs = Object.fromEntries(Object.entries(layout.dirs).map(([c, parent]) => [c, path.join(parent, group)]));
    for (const dir of Object.values(dirs)) fs.mkdirSync(dir, { recursive: true });
    write(path.join(dirs.pids, "pids.max"), String(limits.pids));
    write(path.join(dirs.memory, "memory.limit_in_bytes"), String(limits.memoryBytes));
    // cgroup v1 weighs CPU in shares (1024 = a default group); v2's weight 100 is the same.
    write(path.join(dirs.cpu, "cpu.shares"), String(Math.max(2, Math.round((limits.cpuWeight * 1024) / 100))));
    const procsFiles = Object.values(dirs).map((dir) => path.join(dir, "cgroup.procs"));
    return { procsFiles, killAll: () => killAll(procsFiles), remove: () => removeGroups(Object.values(dirs)) };
  } catch (error) {
    return { reason: `cannot set up a control group: ${error instanceof Error ? error.message : String(error)}` };
  }
}

/** SIGKILL to every process in the group (v2's cgroup.kill where there is one), and waits (up to 5 s) until it is empty. */
async function killAll(procsFiles: string[], killFile?: string): Promise<void> {
  const members = () => new Set(procsFiles.flatMap((f) => (fs.existsSync(f) ? fs.readFileSync(f, "utf8").split("\n").filter(Boolean) : [])));
  if (killFile && fs.existsSync(killFile)) {
    try {
      write(killFile, "1");
    } catch {
      // Fall back to one kill per process.
    }
  }
  const deadline = Date.now() + 5000;
  for (let pids = members(); pids.size > 0 && Date.now() < deadline; pids = members()) {
    for (const pid of pids) {
      try {
        process.kill(Number(pid), "SIGKILL");
      } catch {
        // Gone already.
      }
    }
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** An empty group's directory can be removed (only its control files are in it); a busy one stays for the next start. */
function removeGroups(dirs: string[]) {
  for (const dir of dirs) {
    try {
      fs.rmdirSync(dir);
    } catch {
      // Not empty yet, or gone.
    }
  }
}
