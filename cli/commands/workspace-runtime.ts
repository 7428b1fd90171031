import net from "node:net";
import type { Command } from "commander";
import { serveWorkspace } from "../../lib/in-workspace/runtime";

const collect = (value: string, all: string[]) => [...all, value];

export function registerWorkspaceRuntime(program: Command) {
  program
    .command("workspace-runtime")
    .description("run the workspace runtime inside a workspace's sandbox (started by the provisioner, driven by its agent over --control-fd)")
    .requiredOption("--dir <dir>", "the workspace directory")
    .requiredOption("--control-fd <fd>", "the agent's socket", (v) => Number(v))
    .option("--dial-fd <fd>", "the socket that tunnels forwarded addresses out through the agent", (v) => Number(v))
    .option("--forward <host:port>", "an address to answer inside and tunnel out (repeatable)", collect, [] as string[])
    .option("--own-pid-namespace", "every process it can see is the workspace's (its sandbox's): stopping all ends them all")
    .action((opts: { dir: string; controlFd: number; dialFd?: number; forward: string[]; ownPidNamespace?: boolean }) => {
      const forwards = opts.forward.map((address) => {
        const { hostname, port } = new URL(`http://${address}`);
        return { host: hostname.replace(/^\[|\]$/g, ""), port: Number(port) };
      });
      serveWorkspace({
        workspaceDir: opts.dir,
        control: new net.Socket({ fd: opts.controlFd, readable: true, writable: true }),
        dialOut: opts.dialFd === undefined ? undefined : new net.Socket({ fd: opts.dialFd, readable: true, writable: true }),
        forwards,
        ownPidNamespace: Boolean(opts.ownPidNamespace),
      });
    });
}
