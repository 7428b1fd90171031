import { execFile, spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, "../..");

/**
 * A stand-in for another machine: a network namespace joined to this one by a veth pair. The
 * server side of the pair is `serverAddress`, the host's own is `address`; the namespace has no
 * other route, so it reaches the server's address and nothing else of this machine (not its
 * loopback, where the embedded PostgreSQL listens). Made and removed by the tests (they run as root).
 */
export type FakeHost = {
  name: string;
  namespace: string;
  /** This host's address (what its provisioner advertises). */
  address: string;
  /** The server's address as this host reaches it. */
  serverAddress: string;
  /** The veth end on the server's side: where a capture sees this host's traffic. */
  serverInterface: string;
  /** Starts a process in the namespace (its own process group), output captured. */
  spawn(command: string, args: string[], env: Record<string, string>): HostProcess;
  /** Every process in the namespace's network, and those started in it (their sandboxes have namespaces of their own). */
  pids(): Promise<number[]>;
  /** SIGKILL to every process of the host, as if its power went. */
  killEverything(): Promise<void>;
  remove(): Promise<void>;
};

export type HostProcess = { child: ChildProcess; output: () => string; exited: Promise<number | null> };

const ip = (...args: string[]) => run("ip", args);

/** The namespaces can be made here: root, and `ip` with netns support. */
export async function canFakeHosts(): Promise<boolean> {
  if (process.getuid?.() !== 0) return false;
  return ip("netns", "list").then(() => true, () => false);
}

/** Host number `index` (1–250): 10.231.<index>.0/30-ish, the server .1, the host .2. */
export async function createFakeHost(name: string, index: number): Promise<FakeHost> {
  const tag = `${index}${process.pid % 1000}`;
  const namespace = `ty-${name}-${process.pid}`;
  const serverInterface = `tyh${tag}`;
  const hostInterface = `tyn${tag}`;
  const serverAddress = `10.231.${index}.1`;
  const address = `10.231.${index}.2`;
  await removeLeftovers(name, serverAddress);
  await ip("netns", "add", namespace);
  await ip("link", "add", serverInterface, "type", "veth", "peer", "name", hostInterface);
  await ip("link", "set", hostInterface, "netns", namespace);
  await ip("addr", "add", `${serverAddress}/24`, "dev", serverInterface);
  await ip("link", "set", serverInterface, "up");
  await ip("netns", "exec", namespace, "ip", "addr", "add", `${address}/24`, "dev", hostInterface);
  await ip("netns", "exec", namespace, "ip", "link", "set", hostInterface, "up");
  await ip("netns", "exec", namespace, "ip", "link", "set", "lo", "up");

  const started: ChildProcess[] = [];
  const host: FakeHost = {
    name,
    namespace,
    address,
    serverAddress,
    serverInterface,
    spawn(command, args, env) {
      const child = spawn("ip", ["netns", "exec", namespace, command, ...args], { cwd: ROOT, env: env as NodeJS.ProcessEnv, detached: true, stdio: ["ignore", "pipe", "pipe"] });
      started.push(child);
      let out = "";
      child.stdout!.on("data", (d) => (out += d));
      child.stderr!.on("data", (d) => (out += d));
      const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
      return { child, output: () => out, exited };
    },
    async pids() {
      const inNetwork = (await ip("netns", "pids", namespace).then((r) => r.stdout, () => "")).split(/\s+/).filter(Boolean).map(Number);
      // Sandboxes unshare the network: their processes are found as descendants instead.
      return [...new Set([...inNetwork, ...descendants([...inNetwork, ...started.map((c) => c.pid!).filter(Boolean)])])];
    },
    async killEverything() {
      for (let round = 0; round < 20; round++) {
        const pids = await host.pids();
        const alive = pids.filter((pid) => fs.existsSync(`/proc/${pid}`));
        if (alive.length === 0) return;
        for (const pid of alive) {
          try {
            process.kill(pid, "SIGKILL");
          } catch {
            // gone already
          }
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async remove() {
      await host.killEverything();
      await ip("netns", "del", namespace).catch(() => {});
      await ip("link", "del", serverInterface).catch(() => {});
    },
  };
  return host;
}

/**
 * What an earlier run killed before its cleanup left behind: its namespace for this host name (the
 * pid in its name is gone) and any link still holding this host's server address (a duplicate
 * address would make the route ambiguous).
 */
async function removeLeftovers(name: string, serverAddress: string): Promise<void> {
  const namespaces = (await ip("netns", "list").then((r) => r.stdout, () => "")).split("\n").map((l) => l.split(" ")[0]);
  for (const ns of namespaces) {
    const owner = new RegExp(`^ty-${name}-(\\d+)$`).exec(ns)?.[1];
    if (owner && !fs.existsSync(`/proc/${owner}`)) await ip("netns", "del", ns).catch(() => {});
  }
  const links = (await ip("-o", "addr", "show").then((r) => r.stdout, () => "")).split("\n").filter((l) => l.includes(` ${serverAddress}/`));
  for (const line of links) await ip("link", "del", line.split(/\s+/)[1].replace(/@.*$/, "")).catch(() => {});
}

/** Every process below these (by parent pid), from /proc. */
function descendants(roots: number[]): number[] {
  const children = new Map<number, number[]>();
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = safeRead(`/proc/${entry}/stat`);
    if (!stat) continue;
    const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    if (!children.has(ppid)) children.set(ppid, []);
    children.get(ppid)!.push(Number(entry));
  }
  const found: number[] = [];
  const queue = [...roots];
  while (queue.length) {
    const pid = queue.pop()!;
    for (const child of children.get(pid) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

function safeRead(file: string): string {
  try {
    return fs.readFileSync(file, "utf8");
  } catch {
    return "";
  }
}

/** The environment of a process, as the kernel keeps it (what `/proc/<pid>/environ` shows anyone who can read it). */
export function environOf(pid: number): string {
  return safeRead(`/proc/${pid}/environ`).replaceAll("\0", "\n");
}
