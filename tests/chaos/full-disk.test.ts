import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs/promises";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { recordRecovery, signIn, taskWithConversation, timeUntil, waitForConversation } from "../support/chaos";
import { waitForState } from "../support/runtime";
import { startServer, tempDataDir } from "../support/stack";

const asRoot = process.getuid?.() === 0;
const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => {});
});

// A real full disk: the workspaces and the agents' state (where the conversation is kept) live on
// 32 MiB tmpfs mounts that the test fills (mounting needs root).
describe.skipIf(!asRoot)("a full disk", () => {
  it("refuses a send the agent cannot save (nothing in the log, failure with the reason) and takes the next one once there is space", async () => {
    const dataDir = await tempDataDir();
    const disks = ["workspaces", "agents"].map((name) => path.join(dataDir, name));
    for (const disk of disks) {
      await fs.mkdir(disk, { mode: 0o700 });
      execFileSync("mount", ["-t", "tmpfs", "-o", "size=32m,mode=0700", "tmpfs", disk]);
    }
    cleanups.push(
      () => fs.rm(dataDir, { recursive: true, force: true }),
      async () => disks.forEach((disk) => spawnSync("umount", ["-l", disk])),
    );
    const { baseUrl, proc } = await startServer({ dataDir });
    cleanups.push(() => proc.stop());
    const client = await signIn(baseUrl);
    const task = await taskWithConversation(client, "Mind the disk");
    const conversation = ["Mind the disk", "You said: Mind the disk", "Mind the disk, again", "You said: Mind the disk, again"];

    const fillers = disks.map((disk) => path.join(disk, "filler"));
    const fill = () => fillers.forEach((filler) => spawnSync("dd", ["if=/dev/zero", `of=${filler}`, "bs=1M"], { stdio: "ignore" })); // until ENOSPC
    const free = () => Promise.all(fillers.map((filler) => fs.rm(filler)));
    fill();
    const res = await fetch(`${baseUrl}/api/v2/tasks/me/${task.id}/send`, {
      method: "POST",
      headers: { "Coder-Session-Token": client.token!, "content-type": "application/json" },
      body: JSON.stringify({ input: "on a full disk" }),
    });
    expect(res.status).toBe(502);
    expect(await res.json()).toEqual({
      message: "Failed to send input to the task's agent.",
      detail: expect.stringMatching(/^the agent could not save the input: ENOSPC: no space left on device/),
    });
    const failed = await waitForState(client, task.id, "failed");
    expect(failed.current_state?.message).toMatch(/^Could not take the input: ENOSPC: no space left on device/);
    await waitForConversation(client, task.id, conversation);

    await free();
    const freed = Date.now();
    await client.send("me", task.id, "with space again");
    await waitForConversation(client, task.id, [...conversation, "with space again", "You said: with space again"]);
    await waitForState(client, task.id, "idle");
    recordRecovery({ fault: "disk full during a send", recoveredMs: Date.now() - freed, lost: "nothing accepted: the refused input is not in the log (502 with ENOSPC), the next send works" });

    // A task created while the disk is full fails and says why.
    fill();
    const echo = (await client.templates()).find((t) => t.name === "echo")!.active_version_id;
    const doomed = await client.createTask({ input: "no room", template_version_id: echo });
    await timeUntil("the start fails", async () => (await client.task("me", doomed.id)).status === "error", 30_000);
    expect((await client.task("me", doomed.id)).current_state?.message).toMatch(/no space left on device/i);
    await free();
  });
});
