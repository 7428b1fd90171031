import type { Command } from "commander";
import { runAgent } from "../../lib/agent/run-agent";

export function registerAgent(program: Command) {
  program
    .command("agent")
    .description("run a workspace agent (started by the provisioner; not usually run by hand)")
    .option("--url <url>", "the Taskyard server", process.env.TASKYARD_AGENT_URL)
    .option("--agent-id <id>", "the agent id (lets the provisioner recognise its process)")
    .option("--dir <dir>", "the workspace directory", process.env.TASKYARD_WORKSPACE_DIR ?? process.cwd())
    .addHelpText("after", "\nThe agent token is read from TASKYARD_AGENT_TOKEN (never from the command line, where `ps` shows it).")
    .action(async (opts: { url?: string; dir: string }) => {
      const token = process.env.TASKYARD_AGENT_TOKEN;
      if (!opts.url || !token) throw new Error("an agent needs --url (or TASKYARD_AGENT_URL) and TASKYARD_AGENT_TOKEN");
      await runAgent({ serverUrl: opts.url.replace(/\/+$/, ""), token, workspaceDir: opts.dir });
    });
}
