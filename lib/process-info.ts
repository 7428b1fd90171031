import { spawnSync } from "node:child_process";
import fs from "node:fs";

/**
 * What a live process runs, for telling our own processes from others that got their pid after
 * they died (pids are reused). Linux answers from `/proc`; other systems (macOS) from `ps`, which
 * Linux has too, so both ways are tested here.
 */
export type ProcessInfo = { commandLine: string };

/** The process, or null when there is none (or only a zombie: it has exited, its parent has not reaped it). */
export function processInfo(pid: number): ProcessInfo | null {
  if (!Number.isInteger(pid) || pid <= 0) return null;
  return fs.existsSync("/proc/self/stat") ? fromProc(pid) : fromPs(pid);
}

export function fromProc(pid: number): ProcessInfo | null {
  try {
    // "pid (comm) S …": the state follows the last ')' (comm may hold anything, ')' included).
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    if (stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) === "Z") return null;
    return { commandLine: fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0+$/, "").replaceAll("\0", " ") };
  } catch {
    return null;
  }
}

export function fromPs(pid: number): ProcessInfo | null {
  // POSIX `ps`: the state letter, then the command with its arguments; no header.
  const result = spawnSync("ps", ["-o", "stat=", "-o", "args=", "-p", String(pid)], { encoding: "utf8", timeout: 5000 });
  const line = result.status === 0 ? result.stdout.trim() : "";
  const match = /^(\S+)\s+(.*)$/.exec(line);
  if (!match || match[1].startsWith("Z")) return null;
  return { commandLine: match[2] };
}
