import type { Command } from "commander";
import { serveAgentApi } from "../../lib/agent/agentapi-server";
import { echoResponder } from "../../lib/agent/brains/echo";
import { LocalBrain } from "../../lib/agent/brains/local";
import { knownAgentType } from "../../lib/agent/brains/types";
import { Conversation } from "../../lib/agent/conversation";
import { WorkspaceChannel } from "../../lib/agent/workspace-channel";

export function registerAgentApiServer(program: Command) {
  program
    .command("agentapi-server")
    .description("serve the echo brain over the AgentAPI protocol on its own, without a secret (a stand-in for `agentapi server -- claude`)")
    .requiredOption("--port <port>", "loopback port to listen on", (v) => Number(v))
    .option("--dir <dir>", "where the conversation is kept", process.cwd())
    .option("--type <agent_type>", "the agent type its /status says (one of AgentAPI's)", "custom")
    .action(async (opts: { port: number; dir: string; type: string }) => {
      const workspace = WorkspaceChannel.startLocal(opts.dir, [process.execPath, process.argv[1], "workspace-runtime"]);
      const brain = new LocalBrain(
        knownAgentType(opts.type),
        await Conversation.load(opts.dir),
        echoResponder({ workspace, stateDir: opts.dir, codeDir: opts.dir, parameters: {}, command: [], onCrash: async () => process.exit(3) }),
      );
      const api = await serveAgentApi(brain, { workspace, port: opts.port });
      console.log(`AgentAPI (echo) listening on ${api.url}`);
      const stop = () => void api.close().then(() => process.exit(0));
      process.on("SIGTERM", stop);
      process.on("SIGINT", stop);
    });
}
