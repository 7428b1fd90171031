import { createHash, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ownerClient, uniqueName } from "../support/api";
import { waitFor, waitForStatus } from "../support/runtime";

/**
 * A template version's env values and secrets reach its agent's environment (through the one
 * function that builds it, lib/templates/workspace-env.ts), and a task keeps its version's values
 * after the template has moved on.
 */
describe("a template's env and secrets in the workspace", () => {
  it("the agent sees its version's values; the secret itself never shows in the conversation or an answer", async () => {
    const owner = ownerClient();
    const secret = `s-${randomBytes(16).toString("hex")}`;
    const template = await owner.createTemplate({
      name: uniqueName("envtpl-"),
      display_name: "Env template",
      config: { agent: { kind: "echo" }, env: { GREETING: "hello-from-v1" }, secrets: { DEPLOY_TOKEN: secret } },
    });
    const task = await owner.createTask({ input: "hi", template_version_id: template.active_version_id });
    await waitForStatus(owner, task.id, "active", 60_000);
    await waitFor("the first reply", async () => (await owner.logs("me", task.id)).logs.length >= 2, 30_000);

    // v2 changes the value: the running task keeps v1's.
    await owner.createTemplateVersion(template.id, { config: { agent: { kind: "echo" }, env: { GREETING: "hello-from-v2" } } });
    await owner.send("me", task.id, `/sh echo "greeting=$GREETING"; printf %s "$DEPLOY_TOKEN" | sha256sum`);
    const reply = await waitFor(
      "the /sh reply",
      async () => (await owner.logs("me", task.id)).logs.find((l) => l.type === "output" && l.content.includes("greeting=")),
      30_000,
    );
    expect(reply.content).toContain("greeting=hello-from-v1");
    expect(reply.content).toContain(createHash("sha256").update(secret).digest("hex"));
    const answers = JSON.stringify([await owner.logs("me", task.id), await owner.task("me", task.id), await owner.templateVersions(template.id)]);
    expect(answers.includes(secret)).toBe(false);

    // A new task on the active version (v2) sees v2's value and still the secret (kept from v1).
    const active = (await owner.template(template.id)).active_version_id;
    const newer = await owner.createTask({ input: "hi", template_version_id: active });
    await waitForStatus(owner, newer.id, "active", 60_000);
    await waitFor("its first reply", async () => (await owner.logs("me", newer.id)).logs.length >= 2, 30_000);
    await owner.send("me", newer.id, `/sh echo "greeting=$GREETING"; printf %s "$DEPLOY_TOKEN" | sha256sum`);
    const second = await waitFor("the /sh reply", async () => (await owner.logs("me", newer.id)).logs.find((l) => l.type === "output" && l.content.includes("greeting=")), 30_000);
    expect(second.content).toContain("greeting=hello-from-v2");
    expect(second.content).toContain(createHash("sha256").update(secret).digest("hex"));
    await owner.deleteTask("me", task.id);
    await owner.deleteTask("me", newer.id);
  }, 180_000);
});
