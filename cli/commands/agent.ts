import fs from "node:fs";
import net from "node:net";
import { text } from "node:stream/consumers";
import type { Command } from "commander";
import { agentEnv, takeAgentToken } from "../../lib/agent-env";
import { runAgent } from "../../lib/agent/run-agent";
import { gatewayRelay, WorkspaceChannel } from "../../lib/agent/workspace-channel";

/**
 * The token arrives on a pipe (the provisioner's way: it never shows in /proc/<pid>/environ) or, by
 * hand, in the environment. The pipe is read as a stream: it may be non-blocking and not written yet.
 */
async function readToken(fd: number | undefined): Promise<string | undefined> {
  const fromEnv = takeAgentToken();
  if (fd === undefined) return fromEnv;
  return (await text(fs.createReadStream("", { fd }))).trim();
}

const socketOn = (fd: number) => new net.Socket({ fd, readable: true, writable: true });
const collect = (value: string, all: string[]) => [...all, value];

export function registerAgent(program: Command) {
  program
    .command("agent")
    .description("run a workspace agent (started by the provisioner; not usually run by hand)")
    .option("--url <url>", "the Taskyard server", agentEnv().TASKYARD_AGENT_URL)
    .option("--agent-id <id>", "the agent id (lets the provisioner recognise its process)")
    .option("--dir <dir>", "the workspace directory (as commands in the workspace see it)", agentEnv().TASKYARD_WORKSPACE_DIR ?? process.cwd())
    .option("--state-dir <dir>", "where the agent keeps its conversation (default: the workspace directory)")
    .option("--token-fd <fd>", "read the agent token from this file descriptor", (v) => Number(v))
    .option("--control-fd <fd>", "the workspace runtime's socket (without it the agent starts a runtime of its own, unsandboxed)", (v) => Number(v))
    .option("--dial-fd <fd>", "the socket the workspace runtime tunnels forwarded addresses through", (v) => Number(v))
    .option("--adopt-workspace-state", "read the conversation an earlier version kept in the workspace into the state directory, once")
    .option("--disk-limit-mb <mb>", "stop the workspace's processes once it takes more disk than this", (v) => Number(v))
    .option("--model-gateway", "give the coding agent the server's model gateway (and this agent's own key for it) as its Anthropic API")
    .option("--forward <host:port>", "an address on this host the workspace may reach through the agent (repeatable)", collect, [] as string[])
    .option("--listen <address>", "serve AgentAPI on this address over TLS with a certificate made at start, for a server on another host (default: TASKYARD_AGENT_LISTEN; loopback: plain HTTP)", agentEnv().TASKYARD_AGENT_LISTEN)
    .option("--ca <file>", "check the server's https certificate against this CA (PEM) instead of the system's CAs (or TASKYARD_AGENT_SERVER_CA, the PEM itself)")
    .addHelpText("after", "\nThe agent token is read from --token-fd or TASKYARD_AGENT_TOKEN (never from the command line, where `ps` shows it).")
    .action(async (opts: { url?: string; dir: string; stateDir?: string; tokenFd?: number; controlFd?: number; dialFd?: number; forward: string[]; diskLimitMb?: number; adoptWorkspaceState?: boolean; modelGateway?: boolean; listen?: string; ca?: string }) => {
      const token = await readToken(opts.tokenFd);
      if (!opts.url || !token) throw new Error("an agent needs --url (or TASKYARD_AGENT_URL) and a token (--token-fd or TASKYARD_AGENT_TOKEN)");
      const serverCa = opts.ca ? fs.readFileSync(opts.ca, "utf8") : agentEnv().TASKYARD_AGENT_SERVER_CA;
      // A server over https: the workspace reaches its model gateway through us, who add the TLS.
      const relay = opts.modelGateway ? gatewayRelay(opts.url, serverCa) : undefined;
      const workspace =
        opts.controlFd === undefined
          ? WorkspaceChannel.startLocal(opts.dir, [process.execPath, process.argv[1], "workspace-runtime"])
          : new WorkspaceChannel(socketOn(opts.controlFd), opts.dir, opts.dialFd === undefined ? undefined : { socket: socketOn(opts.dialFd), allowed: opts.forward, relay });
      await runAgent({ serverUrl: opts.url.replace(/\/+$/, ""), token, stateDir: opts.stateDir ?? opts.dir, workspace, diskLimitBytes: opts.diskLimitMb ? opts.diskLimitMb * 1024 * 1024 : undefined, adoptWorkspaceState: Boolean(opts.adoptWorkspaceState), modelGateway: Boolean(opts.modelGateway), listen: opts.listen, serverCa });
    });
}
