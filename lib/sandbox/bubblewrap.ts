import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { env } from "../env";
import { program, whyMissing } from "../system-programs";

export type SandboxKind = "bubblewrap" | "none";
export type SandboxSetting = "auto" | SandboxKind;

/** Where a workspace appears inside its sandbox (its HOME and working directory). */
export const SANDBOX_WORKSPACE = "/workspace";

/** The uid/gid agents run as inside the sandbox when Taskyard runs as root (`nobody`). */
export const SANDBOX_UID = 65534;

/** This checkout; in the web app's bundle (which has no module paths), its working directory, which the launcher makes the checkout. */
const PROJECT_ROOT = import.meta.dirname ? path.resolve(import.meta.dirname, "../..") : process.cwd();
/**
 * The parts of Taskyard an agent needs to run, read-only: the agent bundle it runs and the packages
 * that bundle leaves out, plus the CLI's sources (`taskyard` by hand); never the data dir, `.env`
 * files or the web build.
 */
const PROJECT_PARTS = ["dist/agent", "bin", "cli", "lib", "templates", "node_modules", "package.json", "tsconfig.json"];
const SYSTEM_DIRS = ["/usr", "/etc", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"];

const isRoot = () => process.getuid?.() === 0;

/** Directories bwrap creates on its own are 0700: create every parent of a mount point as 0755 first. */
function parents(target: string, made: Set<string>): string[] {
  const args: string[] = [];
  const parts = target.split("/").filter(Boolean);
  for (let i = 1; i < parts.length; i++) {
    const dir = "/" + parts.slice(0, i).join("/");
    if (made.has(dir) || SYSTEM_DIRS.some((s) => dir === s || dir.startsWith(s + "/"))) continue;
    made.add(dir);
    args.push("--perms", "0755", "--dir", dir);
  }
  return args;
}

function readOnly(source: string, made: Set<string>): string[] {
  if (!fs.existsSync(source)) return [];
  const link = fs.lstatSync(source).isSymbolicLink() && SYSTEM_DIRS.includes(source) ? fs.readlinkSync(source) : null;
  if (link) return ["--symlink", link, source]; // merged /usr: /bin → usr/bin
  return [...parents(source, made), "--ro-bind", source, source];
}

/** Where an agent's own state (its conversation, its Claude Code session id) appears inside its sandbox. */
export const SANDBOX_STATE = "/state";

/** What one sandbox sees and who runs in it. */
export type SandboxProfile = {
  /** Host directories bound read-write, each at its own path inside. */
  writable: { source: string; target: string }[];
  /** Host paths bound read-only at the same path (a local repository's allowed root). */
  readOnly?: readonly string[];
  chdir: string;
  /** As root: the uid (and gid) it runs as, with no capabilities. Default `nobody`. */
  uid?: number;
  /** Its own network namespace (only its own loopback until user-mode networking is attached). */
  ownNetwork?: boolean;
  /** The size of its private /tmp (a tmpfs, charged to its memory). */
  tmpBytes?: number;
  /** bwrap writes `{"child-pid": N}` here once the namespaces exist (user-mode networking needs the pid). */
  infoFd?: number;
  /** bwrap waits for a byte here before it runs the command (until the network is up). */
  blockFd?: number;
  /** Files bound read-only over a path inside (the sandbox's own /etc/resolv.conf). */
  files?: { source: string; target: string }[];
  /** As root: stay root inside with only these capabilities instead of dropping to `uid` (a chown of the workspace). */
  rootWith?: string[];
  /** Ends with the process that started it: a clone, unlike an agent, must not outlive its provisioner. */
  dieWithParent?: boolean;
  /**
   * bwrap's own init as pid 1, reaping orphans, with the command as pid 2 (a sandbox where
   * arbitrary code runs: orphaned processes that exit must not pile up as zombies, which count
   * against its pid limit). Otherwise the command is pid 1.
   */
  reaper?: boolean;
};

/**
 * bwrap's arguments for one sandbox: the system, Node and Taskyard's code read-only, the profile's
 * directories read-write, a private /tmp, /proc and /dev, its own pid/ipc/uts namespaces (and with
 * `ownNetwork` its own network). As root, `setpriv` then drops to the profile's uid with no
 * capabilities and no_new_privs, so a file the host keeps from other users stays out of reach inside.
 */
export function sandboxArgs(profile: SandboxProfile, command: string[]): string[] {
  const made = new Set<string>();
  const nodePrefix = path.dirname(path.dirname(process.execPath));
  const uid = profile.uid ?? SANDBOX_UID;
  const args = [
    ...SYSTEM_DIRS.flatMap((dir) => readOnly(dir, made)),
    "--proc", "/proc",
    "--dev", "/dev",
    // Before the code: a checkout under /tmp must stay visible on top of the private /tmp.
    "--perms", "1777", ...(profile.tmpBytes ? ["--size", String(profile.tmpBytes)] : []), "--tmpfs", "/tmp",
    ...(SYSTEM_DIRS.some((dir) => nodePrefix === dir || nodePrefix.startsWith(dir + "/")) ? [] : readOnly(nodePrefix, made)),
    ...PROJECT_PARTS.flatMap((part) => readOnly(path.join(PROJECT_ROOT, part), made)),
    ...(profile.readOnly ?? []).flatMap((source) => readOnly(source, made)),
    ...profile.writable.flatMap(({ source, target }) => [...parents(target, made), "--bind", source, target]),
    ...(profile.files ?? []).flatMap(({ source, target }) => ["--ro-bind", source, target]),
    "--chdir", profile.chdir,
    "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try",
    ...(profile.ownNetwork ? ["--unshare-net"] : []),
    ...(isRoot() ? [] : ["--unshare-user"]),
    ...(profile.infoFd === undefined ? [] : ["--info-fd", String(profile.infoFd)]),
    ...(profile.blockFd === undefined ? [] : ["--block-fd", String(profile.blockFd)]),
    // The first process is the namespace's pid 1: when it exits, everything it started goes with it.
    // (No --die-with-parent: agents outlive a provisioner that crashes, and are found again by pid.)
    ...(profile.reaper ? [] : ["--as-pid-1"]),
    // A clone, unlike an agent, ends with the provisioner that runs it: no orphan writes into a
    // workspace another provisioner is checking out again.
    ...(profile.dieWithParent ? ["--die-with-parent"] : []),
    "--",
  ];
  if (isRoot() && profile.rootWith) return [...args.slice(0, -1), "--cap-drop", "ALL", ...profile.rootWith.flatMap((c) => ["--cap-add", c]), "--", ...command];
  const drop = isRoot()
    ? [program("setpriv"), `--reuid=${uid}`, `--regid=${uid}`, "--clear-groups", "--inh-caps=-all", "--bounding-set=-all", "--no-new-privs", "--"]
    : [];
  return [...args, ...drop, ...command];
}

/** A workspace's sandbox for one command (a clone, the probe): the workspace read-write at /workspace. */
export function bubblewrapArgs(workspaceDir: string, command: string[], extra: Partial<Omit<SandboxProfile, "writable" | "chdir">> = {}): string[] {
  return sandboxArgs({ writable: [{ source: workspaceDir, target: SANDBOX_WORKSPACE }], chdir: SANDBOX_WORKSPACE, ...extra }, command);
}

let resolved: { kind: SandboxKind; reason: string } | undefined;

/**
 * Which sandbox agents get on this host, decided once per process: bubblewrap when `bwrap` is
 * installed and works here (checked by running it), else none, said in one warning line.
 * `TASKYARD_SANDBOX=bubblewrap` makes a missing bwrap an error; `none` turns the sandbox off.
 */
export function resolveSandbox(setting: SandboxSetting, warn: (line: string) => void): SandboxKind {
  if (!resolved) {
    resolved = setting === "none" ? { kind: "none", reason: "TASKYARD_SANDBOX=none" } : probe();
    if (setting === "bubblewrap" && resolved.kind === "none") throw new Error(`TASKYARD_SANDBOX=bubblewrap, but ${resolved.reason}`);
    if (resolved.kind === "none") warn(`agents run WITHOUT a sandbox (${resolved.reason}): ${UNSANDBOXED}`);
  }
  return resolved.kind;
}

const UNSANDBOXED =
  process.platform === "linux"
    ? "they can read and write whatever this server's OS user can. Install bubblewrap (apt-get install bubblewrap) and restart."
    : "they can read and write whatever this server's OS user can. The sandbox (bubblewrap) needs Linux: run agents you do not trust on a Linux host or in a Linux VM.";

/** The sandbox in force, in a line for `npm start` to print under its address (resolveSandbox decides it first). */
export function sandboxSummary(): string {
  if (!resolved) throw new Error("resolveSandbox has not run");
  return resolved.kind === "bubblewrap"
    ? "Sandbox: bubblewrap (each agent in its own namespaces, uid and network; only its workspace writable)"
    : `Sandbox: none (${resolved.reason}); agents have this OS user's access (README: "Sandbox")`;
}

function probe(): { kind: SandboxKind; reason: string } {
  if (process.platform !== "linux") return { kind: "none", reason: `bubblewrap is Linux-only and this is ${process.platform}` };
  const missing = whyMissing("bwrap") ?? (isRoot() ? whyMissing("setpriv") : undefined);
  if (missing) return { kind: "none", reason: `bubblewrap cannot run: ${missing}` };
  const dir = fs.mkdtempSync(path.join(fs.realpathSync(env().TMPDIR), "taskyard-sandbox-probe-"));
  try {
    if (isRoot()) fs.chownSync(dir, SANDBOX_UID, SANDBOX_UID);
    const result = spawnSync(program("bwrap"), bubblewrapArgs(dir, [program("sh"), "-c", "echo ok > probe"]), { encoding: "utf8", timeout: 10_000 });
    if (result.error) return { kind: "none", reason: `bubblewrap (bwrap) is not installed: ${result.error.message}` };
    if (result.status !== 0 || !fs.existsSync(path.join(dir, "probe"))) {
      return { kind: "none", reason: `bubblewrap (bwrap) does not work on this host: ${(result.stderr || `exit ${result.status}`).trim()}` };
    }
    return { kind: "bubblewrap", reason: "" };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
