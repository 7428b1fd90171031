import fs from "node:fs";
import { text } from "node:stream/consumers";
import type { Command } from "commander";
import { agentEnv, takeAgentToken } from "../../lib/agent-env";
import { runAgent } from "../../lib/agent/run-agent";

/**
 * The token arrives on a pipe (the provisioner's way: it never shows in /proc/<pid>/environ) or, by
 * hand, in the environment. The pipe is read as a stream: it may be non-blocking and not written yet.
 */
async function readToken(fd: number | undefined): Promise<string | undefined> {
  const fromEnv = takeAgentToken();
  if (fd === undefined) return fromEnv;
  return (await text(fs.createReadStream("", { fd }))).trim();
}

export function registerAgent(program: Command) {
  program
    .command("agent")
    .description("run a workspace agent (started by the provisioner; not usually run by hand)")
    .option("--url <url>", "the Taskyard server", agentEnv().TASKYARD_AGENT_URL)
    .option("--agent-id <id>", "the agent id (lets the provisioner recognise its process)")
    .option("--dir <dir>", "the workspace directory", agentEnv().TASKYARD_WORKSPACE_DIR ?? process.cwd())
    .option("--token-fd <fd>", "read the agent token from this file descriptor", (v) => Number(v))
    .addHelpText("after", "\nThe agent token is read from --token-fd or TASKYARD_AGENT_TOKEN (never from the command line, where `ps` shows it).")
    .action(async (opts: { url?: string; dir: string; tokenFd?: number }) => {
      const token = await readToken(opts.tokenFd);
      if (!opts.url || !token) throw new Error("an agent needs --url (or TASKYARD_AGENT_URL) and a token (--token-fd or TASKYARD_AGENT_TOKEN)");
      await runAgent({ serverUrl: opts.url.replace(/\/+$/, ""), token, workspaceDir: opts.dir });
    });
}
