import { spawn, type ChildProcess, type SpawnOptions, type StdioOptions } from "node:child_process";
import type net from "node:net";
import { program, whyMissing } from "../system-programs";

/** Where, in a sandbox's stdio, bwrap's info, its go-ahead and the sandbox's lifeline are (see `networkFds`). */
export type NetworkFds = { info: number; block: number; lifeline: number };

/** The three pipes a sandbox with a network of its own needs, after the ones its command uses (`first` is the next free fd). */
export function networkFds(first: number): NetworkFds {
  return { info: first, block: first + 1, lifeline: first + 2 };
}

/** Reads bwrap's `--info-fd` answer: the pid of the sandbox's first process, whose network namespace is the sandbox's. */
function sandboxPid(info: net.Socket): Promise<number> {
  return new Promise((resolve, reject) => {
    let text = "";
    info.on("data", (c: Buffer) => (text += c.toString("utf8")));
    info.once("error", reject);
    info.once("close", () => {
      const pid = (JSON.parse(text || "{}") as { "child-pid"?: number })["child-pid"];
      if (pid) resolve(pid);
      else reject(new Error("the sandbox did not start"));
    });
  });
}

/**
 * Gives a starting sandbox (bwrap with `--unshare-net --info-fd <info> --block-fd <block>`) its
 * network, then lets its command run: with `outbound`, slirp4netns attaches a user-mode network to
 * the sandbox's namespace — the internet, never the host's loopback (`--disable-host-loopback`),
 * slirp itself sandboxed — and the command starts once that network is up; without, only the
 * sandbox's own loopback. slirp4netns ends with the sandbox: its exit descriptor is the other end
 * of a pipe only the sandbox holds. Resolves with why there is no outbound network, if there is none.
 */
export async function attachNetwork(child: ChildProcess, fds: NetworkFds, options: { outbound: boolean }): Promise<string | undefined> {
  const [info, block, lifeline] = [fds.info, fds.block, fds.lifeline].map((fd) => child.stdio[fd] as net.Socket);
  // A sandbox killed at any moment resets these socket pairs under us: an error here must never be
  // unhandled (it would end this process, the provisioner with it). What failed is said below.
  for (const socket of [info, block, lifeline]) socket.on("error", () => {});
  let missing: string | undefined;
  try {
    const pid = await sandboxPid(info);
    missing = options.outbound ? whyMissing("slirp4netns") : undefined;
    if (options.outbound && !missing) {
      const slirp = spawn(program("slirp4netns"), ["--configure", "--mtu=65520", "--disable-host-loopback", "--enable-sandbox", "--exit-fd=3", "--ready-fd=4", String(pid), "tap0"], {
        detached: true,
        // Not into the agent's log: slirp's goodbye lines would be read as the agent's last words. Its failures are said below.
        stdio: ["ignore", "ignore", "ignore", lifeline, "pipe"],
      });
      slirp.unref();
      (slirp.stdio[4] as net.Socket).on("error", () => {});
      missing = await new Promise<string | undefined>((resolve) => {
        const timer = setTimeout(() => resolve("slirp4netns did not bring the network up within 10 s"), 10_000);
        (slirp.stdio[4] as net.Socket).once("data", () => resolve(undefined)).unref();
        slirp.once("error", (e) => resolve(`slirp4netns could not start: ${e.message}`));
        slirp.once("exit", (code) => resolve(`slirp4netns exited with code ${code}`));
        timer.unref();
      }).finally(() => (slirp.stdio[4] as net.Socket).destroy());
    }
  } finally {
    lifeline.destroy();
    // Whatever happened, the command runs (without a network if it could not have one). The byte
    // waits in bwrap's end of the pair; ours is closed at once, so nothing is left here to reset.
    block.end("1", () => block.destroy());
  }
  return missing;
}

/** The bwrap options that go with `attachNetwork`. */
export function networkProfile(fds: NetworkFds) {
  return { ownNetwork: true, infoFd: fds.info, blockFd: fds.block };
}

/**
 * `spawn`, for a bwrap command line made with `networkProfile(networkFds(first))`: keeps the
 * command's own descriptors below `first` (stdio, and a git credential's pipe at 3), adds the
 * network's pipes after them and attaches the network.
 */
export function spawnWithNetwork(outbound: boolean, first = 3) {
  return (command: string, args: string[], options: SpawnOptions): ChildProcess => {
    const given = (Array.isArray(options.stdio) ? options.stdio.slice(0, first) : ["ignore", "pipe", "pipe"]) as Exclude<StdioOptions, string>;
    // The same sandbox line serves calls that have no pipe of their own there (a clone's later `git checkout`): /dev/null.
    while (given.length < first) given.push("ignore");
    const child: ChildProcess = spawn(command, args, { ...options, stdio: [...given, "pipe", "pipe", "pipe"] });
    void attachNetwork(child, networkFds(first), { outbound }).catch(() => child.kill("SIGKILL"));
    return child;
  };
}
