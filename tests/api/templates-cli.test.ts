import fs from "node:fs/promises";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { inject } from "vitest";
import { baseUrl, createTestUser, ownerClient, uniqueName, type TestUser } from "../support/api";
import { newConfigDir, runCli } from "../support/cli";

/** `taskyard templates …` against the shared test server: the owner changes templates, a member cannot. */
let owner: { config: string; env: Record<string, string> };
let memberCli: { config: string; env: Record<string, string> };
let member: TestUser;

beforeAll(async () => {
  member = await createTestUser();
  owner = { config: await newConfigDir(), env: { TASKYARD_URL: baseUrl(), TASKYARD_SESSION_TOKEN: inject("ownerToken") } };
  memberCli = { config: await newConfigDir(), env: { TASKYARD_URL: baseUrl(), TASKYARD_SESSION_TOKEN: member.token } };
});

describe("taskyard templates", () => {
  it("creates, shows, edits (with and without activating), lists versions, activates, archives and unarchives", async () => {
    const name = uniqueName("cli-");
    const file = path.join(owner.config, "config.json");
    const secret = `cli-secret-${Date.now()}`;
    await fs.writeFile(file, JSON.stringify({ agent: { kind: "echo" }, env: { STAGE: "one" }, secrets: { DEPLOY_KEY: secret } }));

    const created = await runCli(["templates", "create", name, "--file", file, "--display-name", "CLI template"], owner);
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toContain(`Created template ${name}`);

    const list = await runCli(["templates", "list"], owner);
    expect(list.stdout).toMatch(/NAME\s+DISPLAY NAME\s+STATE\s+UPDATED/);
    expect(list.stdout).toMatch(new RegExp(`${name}\\s+CLI template\\s+available`));

    const shown = await runCli(["templates", "show", name], owner);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toContain("Active version: v1 of 1");
    expect(shown.stdout).toContain("Secrets: DEPLOY_KEY");
    expect(shown.stdout).toContain('"STAGE": "one"');
    expect(shown.stdout).not.toContain(secret);

    // The JSON `show` prints can be edited and sent back: the secret is kept without being written again.
    const json = await runCli(["templates", "show", name, "-o", "json"], owner);
    const saved = JSON.parse(json.stdout).active_version;
    saved.config.env.STAGE = "two";
    await fs.writeFile(file, JSON.stringify(saved));
    const edited = await runCli(["templates", "edit", name, "--file", file], owner);
    expect(edited.code, edited.stderr).toBe(0);
    expect(edited.stdout).toContain("Saved v2");
    const draft = await runCli(["templates", "edit", name, "--file", "-", "--no-activate"], { ...owner, input: JSON.stringify({ agent: { kind: "echo" } }) });
    expect(draft.code, draft.stderr).toBe(0);
    expect(draft.stdout).toContain(`templates activate ${name} v3`);

    const versions = await runCli(["templates", "versions", name], owner);
    expect(versions.stdout).toMatch(/VERSION\s+ACTIVE\s+AGENT\s+SECRETS\s+CREATED/);
    expect(versions.stdout).toMatch(/v3\s+echo\s+DEPLOY_KEY/);
    expect(versions.stdout).toMatch(/v2\s+active\s+echo\s+DEPLOY_KEY/);

    expect((await runCli(["templates", "activate", name, "3"], owner)).code).toBe(0);
    const template = await ownerClient().templateByName("default", name);
    const all = await ownerClient().templateVersions(template.id);
    expect(all.find((v) => v.active)?.name).toBe("v3");
    expect(all.find((v) => v.name === "v2")?.config).toMatchObject({ env: { STAGE: "two" } });

    expect((await runCli(["templates", "archive", name], owner)).code).toBe(0);
    expect((await runCli(["templates", "list"], owner)).stdout).not.toContain(name);
    expect((await runCli(["templates", "list", "--archived"], owner)).stdout).toMatch(new RegExp(`${name}\\s+CLI template\\s+archived`));
    expect((await runCli(["templates", "archive", name, "--undo"], owner)).code).toBe(0);
    expect((await ownerClient().templateByName("default", name)).archived).toBe(false);
  }, 180_000);

  it("says what is wrong: a bad config names the field, a member is refused, a missing file is a usage error", async () => {
    const file = path.join(owner.config, "bad.json");
    await fs.writeFile(file, JSON.stringify({ agent: { kind: "echo" }, env: { PATH: "/evil" } }));
    const bad = await runCli(["templates", "create", uniqueName("bad-"), "--file", file], owner);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("config.env.PATH");
    expect(bad.stderr).toContain("reserved");

    await fs.writeFile(file, JSON.stringify({ agent: { kind: "echo" } }));
    const refused = await runCli(["templates", "create", uniqueName("m-"), "--file", file], memberCli);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("permission");

    const missing = await runCli(["templates", "create", "x", "--file", path.join(owner.config, "nope.json")], owner);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("no such file");

    const help = await runCli(["templates", "--help"], owner);
    for (const sub of ["list", "show", "create", "edit", "versions", "activate", "archive"]) expect(help.stdout).toContain(sub);
  }, 120_000);
});
