import { Command } from "commander";
import { registerAgent } from "./commands/agent";
import { registerAgentApiServer } from "./commands/agentapi-server";
import { registerWorkspaceRuntime } from "./commands/workspace-runtime";

/**
 * The commands that run inside a workspace, alone: bundled to plain JavaScript (the agent bundle,
 * lib/workspaces/agent-bundle.ts) so each agent runs on plain `node`, without tsx compiling
 * TypeScript in every sandbox, nor the CLI's other commands.
 */
const program = new Command().name("taskyard").showHelpAfterError();
registerAgent(program);
registerAgentApiServer(program);
registerWorkspaceRuntime(program);

await program.parseAsync(process.argv).catch((error: unknown) => {
  console.error(`taskyard: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
