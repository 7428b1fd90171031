import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

/** Running, and not a zombie: a killed agent whose parent is gone may linger unreaped as one. */
export function isAlive(pid: number | null): boolean {
  if (!pid) return false;
  try {
    return !/\) Z /.test(fs.readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}

/** Every process below `pid` (from /proc), with its argv: what an agent started, sandbox or not. */
export function descendants(pid: number): { pid: number; argv: string[] }[] {
  const children = new Map<number, number[]>();
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // Gone meanwhile.
    }
  }
  const found: { pid: number; argv: string[] }[] = [];
  const walk = (p: number) => {
    for (const child of children.get(p) ?? []) {
      try {
        found.push({ pid: child, argv: fs.readFileSync(`/proc/${child}/cmdline`, "utf8").split("\0").filter(Boolean) });
      } catch {
        continue;
      }
      walk(child);
    }
  };
  walk(pid);
  return found;
}

/** A process's environment as /proc shows it to anyone who may read it; empty for one that has ended meanwhile (a per-turn snapshot's git). */
export function environOf(pid: number): Record<string, string> {
  let raw: string;
  try {
    raw = fs.readFileSync(`/proc/${pid}/environ`, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT" || (error as NodeJS.ErrnoException).code === "ESRCH") return {};
    throw error;
  }
  return Object.fromEntries(raw.split("\0").filter(Boolean).map((kv) => [kv.slice(0, kv.indexOf("=")), kv.slice(kv.indexOf("=") + 1)]));
}

/** Resident memory of a process in KiB (VmRSS), as the kernel counts it. */
export function rssKiB(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
  if (!match) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(match[1]);
}

/**
 * The `taskyard agent` Node process of an agent whose recorded pid is `pid`: that pid itself
 * without a sandbox, else below the sandbox's wrapper processes.
 */
export function agentProcess(pid: number): { pid: number; argv: string[] } | undefined {
  const self = { pid, argv: fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean) };
  // bwrap's own argv holds the agent's command line too: the agent is the process that runs node.
  const isNode = (argv: string[]) => path.basename(argv[0] ?? "") === path.basename(process.execPath);
  return [self, ...descendants(pid)].find((p) => isNode(p.argv) && p.argv.includes("agent") && p.argv.includes("--token-fd"));
}

/**
 * The baseline an agent's memory is held against: a bare `node` doing nothing, given the same
 * settling time. Measured anew each time, on the same machine and Node.
 */
export async function bareNodeRssKiB(settleMs = 1500): Promise<number> {
  const child = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" });
  try {
    await new Promise((r) => setTimeout(r, settleMs));
    return rssKiB(child.pid!);
  } finally {
    child.kill("SIGKILL");
  }
}

/** Every process running as `uid` (its real uid, from /proc), with its argv: a workspace's processes. */
export function processesOfUid(uid: number): { pid: number; argv: string[] }[] {
  const found: { pid: number; argv: string[] }[] = [];
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const status = fs.readFileSync(`/proc/${entry}/status`, "utf8");
      if (Number(/^Uid:\s+(\d+)/m.exec(status)?.[1]) !== uid || /^State:\s+Z/m.test(status)) continue;
      found.push({ pid: Number(entry), argv: fs.readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0").filter(Boolean) });
    } catch {
      // Gone meanwhile.
    }
  }
  return found;
}

/** Every process whose argv or environment holds `needle` (as root: all of them, sandboxes included), as `pid/cmdline` or `pid/environ`. */
export function processesHolding(needle: string): string[] {
  const found: string[] = [];
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    for (const file of ["cmdline", "environ"]) {
      try {
        if (fs.readFileSync(`/proc/${entry}/${file}`).includes(Buffer.from(needle))) found.push(`${entry}/${file}`);
      } catch {
        // gone, or not ours to read
      }
    }
  }
  return found;
}
