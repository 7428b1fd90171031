import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { inject } from "vitest";
import { createTestUser, echoTemplateVersion, raw, type TestUser } from "../support/api";
import { currentAgentPid, db, isAlive, waitFor, waitForState, waitForStatus } from "../support/runtime";

/** The one answer to a send the agent does not take because it is busy (working, or taking another send). */
const BUSY = { message: "Task app is not ready to accept input.", detail: "The agent is busy; try again when it is waiting for input." };

async function activeTask(user: TestUser, input: string) {
  const task = await user.client.createTask({ input, template_version_id: await echoTemplateVersion() });
  await waitForStatus(user.client, task.id, "active");
  await waitForState(user.client, task.id, "idle");
  return task;
}

describe("a task's whole life on the echo agent", () => {
  it("goes pending → initializing → active, answers, pauses, resumes with its conversation and is deleted", async () => {
    const alice = await createTestUser();
    const created = await alice.client.createTask({ input: "Hello agent", template_version_id: await echoTemplateVersion() });
    expect(created.status).toBe("pending");

    const seen = new Set<string>();
    const active = await waitFor("active", async () => {
      const t = await alice.client.task("me", created.id);
      seen.add(t.status);
      if (t.status === "initializing") expect(t.current_state).toMatchObject({ state: "working" });
      return t.status === "active" ? t : undefined;
    }, 15_000, 20);
    expect(seen.has("initializing") || seen.has("pending")).toBe(true);
    expect(active.workspace_status).toBe("running");
    expect(active.workspace_agent_lifecycle).toBe("ready");

    await waitForState(alice.client, created.id, "idle");
    const live = await alice.client.logs("me", created.id);
    expect(live.snapshot).toBeUndefined();
    expect(live.logs.map((l) => [l.type, l.content])).toEqual([
      ["input", "Hello agent"],
      ["output", "You said: Hello agent"],
    ]);

    expect((await raw("POST", `/api/v2/tasks/me/${created.id}/send`, { token: alice.token, body: { input: "Second" } })).status).toBe(204);
    await waitFor("second reply", async () => (await alice.client.logs("me", created.id)).logs.length === 4);
    // The agent reports its state after the reply is in its log: a moment later, not necessarily yet.
    await waitFor("state about the second input", async () => (await alice.client.task("me", created.id)).current_state?.message.includes("Second"));
    // The prompt cannot change while the agent has it.
    expect((await raw("PATCH", `/api/v2/tasks/me/${created.id}/input`, { token: alice.token, body: { input: "x" } })).status).toBe(409);

    const pause = await raw("POST", `/api/v2/tasks/me/${created.id}/pause`, { token: alice.token });
    expect(pause.status).toBe(202);
    expect(pause.body.workspace_build).toMatchObject({ transition: "stop", build_number: 2, job: { status: "pending" } });
    await waitForStatus(alice.client, created.id, "paused", 5000);
    const snapshot = await alice.client.logs("me", created.id);
    expect(snapshot.snapshot).toBe(true);
    expect(snapshot.snapshot_at).toBeTruthy();
    expect(snapshot.logs.map((l) => l.content)).toEqual(["Hello agent", "You said: Hello agent", "Second", "You said: Second"]);

    expect((await raw("POST", `/api/v2/tasks/me/${created.id}/send`, { token: alice.token, body: { input: "x" } })).status).toBe(409);
    expect((await raw("POST", `/api/v2/tasks/me/${created.id}/pause`, { token: alice.token })).status).toBe(409);
    expect((await raw("PATCH", `/api/v2/tasks/me/${created.id}/input`, { token: alice.token, body: { input: "Edited prompt" } })).status).toBe(204);

    const resume = await raw("POST", `/api/v2/tasks/me/${created.id}/resume`, { token: alice.token });
    expect(resume.status).toBe(202);
    expect(resume.body.workspace_build).toMatchObject({ transition: "start", build_number: 3 });
    // A resumed task never shows the previous lifetime's state.
    const early = await alice.client.task("me", created.id);
    expect(early.current_state?.message ?? "").not.toContain("Second");

    await waitForStatus(alice.client, created.id, "active");
    const resumed = await waitFor("edited prompt answered", async () => {
      const logs = await alice.client.logs("me", created.id);
      return logs.logs.length === 6 ? logs : undefined;
    });
    expect(resumed.logs.map((l) => l.content)).toEqual([
      "Hello agent",
      "You said: Hello agent",
      "Second",
      "You said: Second",
      "Edited prompt",
      "You said: Edited prompt",
    ]);
    expect(resumed.logs.map((l) => l.id)).toEqual([0, 1, 2, 3, 4, 5]);

    const pid = await currentAgentPid(created.workspace_id!);
    const dir = path.join(inject("dataDir"), "workspaces", created.workspace_id!);
    expect(fs.existsSync(dir)).toBe(true);
    expect((await raw("DELETE", `/api/v2/tasks/me/${created.id}`, { token: alice.token })).status).toBe(202);
    await waitFor("workspace removed", async () => !fs.existsSync(dir) && !isAlive(pid), 10_000);
    // The build ends after the removal (the agent's state and log go too): wait for it, not just for the directory.
    const latest = async () => (await db()`SELECT transition, job_status FROM workspace_builds WHERE workspace_id = ${created.workspace_id!} ORDER BY build_number DESC LIMIT 1`)[0];
    await waitFor("the delete build to finish", async () => (await latest())?.job_status !== "running", 10_000);
    expect(await latest()).toMatchObject({ transition: "delete", job_status: "succeeded" });
    expect(await db()`SELECT 1 FROM task_snapshots WHERE task_id = ${created.id}`).toHaveLength(0);
  });

  it("reports working while busy, refuses input then (502), and reports complete and failed", async () => {
    const bob = await createTestUser();
    const task = await activeTask(bob, "Start");
    await bob.client.send("me", task.id, "/sleep 1500");
    await waitForState(bob.client, task.id, "working");
    const busy = await raw("POST", `/api/v2/tasks/me/${task.id}/send`, { token: bob.token, body: { input: "too soon" } });
    expect(busy.status).toBe(502);
    expect(busy.body).toEqual(BUSY);
    await waitForState(bob.client, task.id, "idle");
    await bob.client.send("me", task.id, "/complete");
    await waitForState(bob.client, task.id, "complete");
    await bob.client.send("me", task.id, "/fail");
    const failed = await waitForState(bob.client, task.id, "failed");
    expect(failed.status).toBe("active");
  });

  it("takes one of ten sends that arrive at once; the other nine get the same 502 and leave no trace", async () => {
    const dan = await createTestUser();
    const task = await activeTask(dan, "Start");
    const sends = await Promise.all(
      Array.from({ length: 10 }, (_, i) => raw("POST", `/api/v2/tasks/me/${task.id}/send`, { token: dan.token, body: { input: `/sleep 3000 send ${i}` } })),
    );
    const accepted = sends.flatMap((s, i) => (s.status === 204 ? [i] : []));
    expect(accepted).toHaveLength(1);
    for (const refused of sends.filter((s) => s.status !== 204)) {
      expect(refused.status).toBe(502);
      expect(refused.body).toEqual(BUSY);
    }
    await waitForState(dan.client, task.id, "idle");
    const inputs = (await dan.client.logs("me", task.id)).logs.filter((l) => l.type === "input").map((l) => l.content);
    expect(inputs).toEqual(["Start", `/sleep 3000 send ${accepted[0]}`]);
  });

  it("a crashed agent shows as error and resume brings the whole conversation back", async () => {
    const carol = await createTestUser();
    const task = await activeTask(carol, "Remember this");
    await carol.client.send("me", task.id, "/crash");
    const errored = await waitForStatus(carol.client, task.id, "error");
    // The state says why, in the agent's last words, not only "exited with code 3".
    expect(errored.current_state).toMatchObject({ state: "failed", message: expect.stringContaining("exited with code 3 (taskyard agent: crash requested by the user: /crash)") });
    expect((await raw("GET", `/api/v2/tasks/me/${task.id}/logs`, { token: carol.token })).status).toBe(409);
    expect((await raw("POST", `/api/v2/tasks/me/${task.id}/send`, { token: carol.token, body: { input: "x" } })).status).toBe(400);

    expect((await raw("POST", `/api/v2/tasks/me/${task.id}/resume`, { token: carol.token })).status).toBe(202);
    await waitForStatus(carol.client, task.id, "active");
    await waitForState(carol.client, task.id, "idle");
    const logs = await carol.client.logs("me", task.id);
    expect(logs.logs.map((l) => l.content)).toEqual(["Remember this", "You said: Remember this", "/crash"]);

    // kill -9: nobody gets to say goodbye; the provisioner notices and the snapshot has everything.
    await carol.client.send("me", task.id, "after the crash");
    await waitFor("reply", async () => (await carol.client.logs("me", task.id)).logs.length === 5);
    // The server mirrors each message as it arrives, without waiting for a pause.
    await waitFor("the reply mirrored into the snapshot", async () => {
      const [snap] = await db()`SELECT messages FROM task_snapshots WHERE task_id = ${task.id}`;
      return (snap?.messages as { content: string }[] | undefined)?.some((m) => m.content === "You said: after the crash");
    }, 2000);
    process.kill(await currentAgentPid(task.workspace_id!), "SIGKILL");
    await waitForStatus(carol.client, task.id, "error", 5000);
    await carol.client.resume("me", task.id);
    await waitForStatus(carol.client, task.id, "active");
    expect((await carol.client.logs("me", task.id)).logs).toHaveLength(5);
  });

  it("many parallel pause and resume calls leave one consistent state and never two builds in flight", async () => {
    const dave = await createTestUser();
    const task = await activeTask(dave, "Concurrency");
    const pauses = await Promise.all(Array.from({ length: 12 }, () => raw("POST", `/api/v2/tasks/me/${task.id}/pause`, { token: dave.token })));
    expect(pauses.filter((r) => r.status === 202)).toHaveLength(1);
    expect(pauses.filter((r) => r.status === 409)).toHaveLength(11);
    await waitForStatus(dave.client, task.id, "paused", 5000);

    const mixed = await Promise.all(
      Array.from({ length: 12 }, (_, i) => raw("POST", `/api/v2/tasks/me/${task.id}/${i % 2 ? "pause" : "resume"}`, { token: dave.token })),
    );
    // The task is paused, so the first call taken is a resume. Usually it is the only one; but a
    // build that finishes while the storm is still being answered makes the opposite call valid
    // again, so each call taken is one more build, and they alternate — never two at once.
    const accepted = mixed.filter((r) => r.status === 202).length;
    expect(accepted).toBeGreaterThanOrEqual(1);
    expect(mixed.every((r) => r.status === 202 || r.status === 409)).toBe(true);
    await waitForStatus(dave.client, task.id, accepted % 2 ? "active" : "paused");
    const builds = await db()`SELECT build_number, transition, job_status FROM workspace_builds WHERE workspace_id = ${task.workspace_id!} ORDER BY build_number`;
    const storm = Array.from({ length: accepted }, (_, i) => (i % 2 ? "stop:succeeded" : "start:succeeded"));
    expect(builds.map((b) => `${b.transition}:${b.job_status}`)).toEqual(["start:succeeded", "stop:succeeded", ...storm]);
    const agents = await db()`SELECT pid FROM workspace_agents WHERE workspace_id = ${task.workspace_id!}`;
    expect(agents.filter((a) => isAlive(a.pid as number))).toHaveLength(accepted % 2);
  });
});
