import path from "node:path";
import { describe, expect, it } from "vitest";
import { createAgentApiClient } from "../../lib/agents/agentapi-client";
import { createTestUser } from "../support/api";
import { db, waitFor, waitForStatus } from "../support/runtime";

const ROOT = path.resolve(import.meta.dirname, "../..");

describe("the agentapi template", () => {
  it("runs an external AgentAPI-speaking command and proxies the conversation, across pause and resume", async () => {
    const user = await createTestUser();
    // A real AgentAPI server of ours (the echo brain over the protocol) as the template's command.
    const [version] = await db()`SELECT tv.id FROM template_versions tv JOIN templates t ON t.id = tv.template_id WHERE t.name = 'agentapi'`;
    const original = (await db()`SELECT config FROM template_versions WHERE id = ${version.id}`)[0].config;
    await db()`UPDATE template_versions SET config = ${db().json({
      brain: "agentapi",
      command: [process.execPath, path.join(ROOT, "bin/taskyard.mjs"), "agentapi-server", "--port", "$PORT"],
    })} WHERE id = ${version.id}`;
    try {
      const task = await user.client.createTask({ input: "through the proxy", template_version_id: version.id as string });
      await waitForStatus(user.client, task.id, "active", 20_000);
      // The proxied agent is idle once before it gets the prompt, so wait for the reply itself.
      const idle = await waitFor("the proxied reply", async () => {
        const t = await user.client.task("me", task.id);
        return t.current_state?.message.includes("You said: through the proxy") ? t : undefined;
      });
      expect(idle.current_state?.state).toBe("idle");
      expect((await user.client.logs("me", task.id)).logs.map((l) => l.content)).toEqual(["through the proxy", "You said: through the proxy"]);

      // Its mirror of the conversation is one version until it changes: asked again, the agent says 304.
      const [agent] = await db()`SELECT api_url, api_secret FROM workspace_agents WHERE workspace_id = ${task.workspace_id!} ORDER BY created_at DESC LIMIT 1`;
      const messages = createAgentApiClient({ url: agent.api_url, secret: agent.api_secret });
      const read = await messages.messagesUnless(undefined);
      expect(read).not.toBe("unchanged");
      expect(await messages.messagesUnless(read === "unchanged" ? undefined : read.etag)).toBe("unchanged");

      await user.client.send("me", task.id, "and again");
      await waitFor("proxied reply", async () => (await user.client.logs("me", task.id)).logs.length === 4);
      expect(await messages.messagesUnless(read === "unchanged" ? undefined : read.etag)).not.toBe("unchanged");

      await user.client.pause("me", task.id);
      await waitForStatus(user.client, task.id, "paused");
      const snapshot = await user.client.logs("me", task.id);
      expect(snapshot.snapshot).toBe(true);
      expect(snapshot.logs.map((l) => l.content)).toEqual(["through the proxy", "You said: through the proxy", "and again", "You said: and again"]);
      await user.client.deleteTask("me", task.id);
    } finally {
      await db()`UPDATE template_versions SET config = ${db().json(original)} WHERE id = ${version.id}`;
    }
  });
});
