import path from "node:path";
import { describe, expect, it } from "vitest";
import { createTestUser, echoTemplateVersion } from "../support/api";
import { agentProcess, bareNodeRssKiB, descendants, environOf, rssKiB } from "../support/processes";
import { currentAgentPid, waitFor, waitForState } from "../support/runtime";

const ROOT = path.resolve(import.meta.dirname, "../..");

describe("an agent runs as plain JavaScript", () => {
  it("runs the agent bundle on plain node (no tsx, no loader), and idles in at most 1.5× a bare node's memory", async () => {
    const alice = await createTestUser();
    const task = await alice.client.createTask({ input: "hello", template_version_id: await echoTemplateVersion() });
    await waitForState(alice.client, task.id, "idle", 30_000);
    const agent = await waitFor("the agent's node process", async () => agentProcess(await currentAgentPid(task.workspace_id!)));

    // The bundle, on node with no options: nothing compiles TypeScript at run time.
    expect(agent.argv.slice(0, 3)).toEqual([process.execPath, path.join(ROOT, "dist/agent/main.mjs"), "agent"]);
    expect(agent.argv.join(" ")).not.toMatch(/tsx|--import|--loader|--require|--experimental/);
    expect(environOf(agent.pid).NODE_OPTIONS).toBeUndefined();
    // tsx compiles through an esbuild service process of its own: an agent has none.
    expect(descendants(agent.pid).map((p) => p.argv.join(" "))).toEqual([]);

    // Idle, against a bare `node` measured now on the same machine, given the same time to settle.
    await new Promise((r) => setTimeout(r, 1500));
    const agentKiB = rssKiB(agent.pid);
    const bareKiB = await bareNodeRssKiB(1500);
    expect(agentKiB / bareKiB, `agent ${agentKiB} KiB, bare node ${bareKiB} KiB`).toBeLessThanOrEqual(1.5);
    await alice.client.deleteTask("me", task.id);
  });
});
