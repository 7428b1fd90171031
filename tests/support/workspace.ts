import { WorkspaceChannel } from "../../lib/agent/workspace-channel";
import { ensureAgentBundle } from "../../lib/workspaces/agent-bundle";

/** A workspace runtime on `dir` started the way `taskyard agent` starts one by hand (no sandbox), and the agent's channel to it. */
export async function localWorkspace(dir: string): Promise<WorkspaceChannel> {
  return WorkspaceChannel.startLocal(dir, [process.execPath, await ensureAgentBundle(), "workspace-runtime"]);
}
