import os from "node:os";
import { describe, expect, it } from "vitest";
import { createTestUser, echoTemplateVersion, ownerClient } from "../support/api";
import { waitFor, waitForStatus } from "../support/runtime";

/** The runtime server's built-in provisioner registers itself and is listed with the workspaces running on its host. */
describe("GET /api/v2/provisioners with the built-in provisioner", () => {
  it("lists it (host, version, online) and counts a workspace while it runs, not once it is paused", async () => {
    const owner = ownerClient();
    const builtIn = async () => (await owner.provisioners()).find((p) => p.key_name === null && p.host === os.hostname());
    const before = await waitFor("the built-in provisioner", builtIn);
    expect(before).toMatchObject({ host: os.hostname(), tags: {}, online: true });
    expect(before.version).toMatch(/^v\d+\.\d+\.\d+/);
    expect(Date.now() - new Date(before.last_seen_at).getTime()).toBeLessThan(30_000);

    const alice = await createTestUser();
    const task = await alice.client.createTask({ input: "count me", template_version_id: await echoTemplateVersion() });
    await waitForStatus(alice.client, task.id, "active", 30_000);
    // Other files' tasks may run beside it: the count is read before and after this one's changes.
    const running = await waitFor("the count to include it", async () => {
      const now = await builtIn();
      return now && now.workspaces >= 1 ? now : undefined;
    });
    await alice.client.pause("me", task.id, { force: true });
    await waitForStatus(alice.client, task.id, "paused", 30_000);
    const paused = (await builtIn())!;
    expect(paused.workspaces).toBe(running.workspaces - 1);
    expect(new Date(paused.last_seen_at).getTime()).toBeGreaterThanOrEqual(new Date(before.last_seen_at).getTime());
  });
});
