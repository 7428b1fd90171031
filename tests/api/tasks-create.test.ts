import { beforeAll, describe, expect, inject, it } from "vitest";
import { createTestUser, echoTemplateVersion, ownerClient, raw, uniqueName, type TestUser } from "../support/api";
import { testSql } from "../support/db";
import { expectError, expectNotFound, expectValidation } from "../support/expect";

const sql = testSql();
const NAME = /^[a-zA-Z0-9]+(-[a-zA-Z0-9]+)*$/;
const ZERO_UUID = "00000000-0000-0000-0000-000000000000";
const RANDOM_UUID = "3f0c2f4e-8d1b-4c7a-9b52-6a1e2d3c4b5a";

let version: string;
let claudeVersion: string;
let echoPresets: { ID: string; Name: string }[];
let claudePresets: { ID: string }[];

beforeAll(async () => {
  version = await echoTemplateVersion();
  const templates = await ownerClient().templates();
  claudeVersion = templates.find((t) => t.name === "claude")!.active_version_id;
  echoPresets = await ownerClient().presets(version);
  claudePresets = await ownerClient().presets(claudeVersion);
});

const taskCount = async (ownerId: string) =>
  (await sql`SELECT count(*)::int AS n FROM tasks WHERE owner_id = ${ownerId} AND deleted_at IS NULL`)[0].n as number;

function create(user: TestUser, body: Record<string, unknown>, who = "me") {
  return raw("POST", `/api/v2/tasks/${who}`, { token: user.token, body });
}

describe("POST /api/v2/tasks/{user}", () => {
  it("creates a pending task with the full task shape, one workspace and one pending start build", async () => {
    const alice = await createTestUser();
    const res = await create(alice, { input: "Refactor the payment module", template_version_id: version });
    expect(res.status).toBe(201);
    const t = res.body;
    expect(Object.keys(t).sort()).toEqual(
      [
        "id", "organization_id", "owner_id", "owner_name", "owner_avatar_url", "name", "display_name", "template_id",
        "template_version_id", "template_name", "template_display_name", "template_icon", "workspace_id", "workspace_name",
        "workspace_status", "workspace_build_number", "workspace_agent_id", "workspace_agent_lifecycle", "workspace_agent_health",
        "workspace_app_id", "initial_prompt", "status", "current_state", "created_at", "updated_at",
        // Beyond Coder: the per-task parameters, the repository, its pull request and the model usage.
        "rich_parameter_values", "has_started", "repository", "pull_request", "paused_reason", "usage",
      ].sort(),
    );
    expect(t).toMatchObject({
      owner_id: alice.id,
      owner_name: alice.username,
      owner_avatar_url: "",
      template_version_id: version,
      template_name: "echo",
      template_display_name: "Echo agent",
      template_icon: "/icon/echo.svg",
      workspace_name: t.name,
      workspace_status: "pending",
      workspace_build_number: 1,
      workspace_agent_id: null,
      workspace_agent_lifecycle: null,
      workspace_app_id: null,
      initial_prompt: "Refactor the payment module",
      status: "pending",
      current_state: null,
      rich_parameter_values: [],
      has_started: false,
      repository: null,
      paused_reason: null,
      usage: { input_tokens: 0, output_tokens: 0, cache_read_input_tokens: 0, cache_creation_input_tokens: 0, cost_usd: 0, limit: null, stopped_by: null },
    });
    expect(t.workspace_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(new Date(t.created_at).toISOString()).toBe(t.created_at);
    expect(new Date(t.updated_at).toISOString()).toBe(t.updated_at);

    const [org] = await sql`SELECT id FROM organizations WHERE is_default`;
    expect(t.organization_id).toBe(org.id);
    const builds = await sql`SELECT transition, job_status, build_number, initiator_id FROM workspace_builds WHERE workspace_id = ${t.workspace_id}`;
    expect(builds).toEqual([{ transition: "start", job_status: "pending", build_number: 1, initiator_id: alice.id }]);
    const [ws] = await sql`SELECT name, owner_id FROM workspaces WHERE id = ${t.workspace_id}`;
    expect(ws).toEqual({ name: t.name, owner_id: alice.id });
  });

  it("generates name and display name from the prompt: slug + 4 hex, no task- prefix, capitalised display name", async () => {
    const alice = await createTestUser();
    const res = await create(alice, { input: "add dark mode to the settings page", template_version_id: version });
    // The slug is cut at a word boundary to leave room for the suffix within 32 characters.
    expect(res.body.name).toMatch(/^add-dark-mode-to-the-[0-9a-f]{4}$/);
    expect(res.body.name.length).toBeLessThanOrEqual(32);
    expect(res.body.name).toMatch(NAME);
    expect(res.body.display_name).toBe("Add dark mode to the settings page");

    for (const input of ["日本語のタスク", "!!!", "new", "create", "task", "a\nb", "x".repeat(5000)]) {
      const r = await create(alice, { input, template_version_id: version });
      expect(r.status, input).toBe(201);
      expect(r.body.name).toMatch(NAME);
      expect(r.body.name).toMatch(/-[0-9a-f]{4}$/);
      expect(r.body.name.length).toBeLessThanOrEqual(32);
      expect(r.body.name.startsWith("task-")).toBe(false);
      expect(["new", "create"]).not.toContain(r.body.name.toLowerCase());
      expect(r.body.display_name.length).toBeGreaterThan(0);
      expect(r.body.display_name.length).toBeLessThanOrEqual(64);
      expect(r.body.display_name[0]).toBe(r.body.display_name[0].toUpperCase());
      expect(r.body.initial_prompt).toBe(input);
    }
  });

  it("uses an explicit name and display name", async () => {
    const alice = await createTestUser();
    const res = await create(alice, { input: "anything", template_version_id: version, name: "My-Task-1", display_name: "Fix the flaky test" });
    expect(res.status).toBe(201);
    expect(res.body.name).toBe("My-Task-1");
    expect(res.body.workspace_name).toBe("My-Task-1");
    expect(res.body.display_name).toBe("Fix the flaky test");

    const onlyName = await create(alice, { input: "write the changelog", template_version_id: version, name: "changelog" });
    expect(onlyName.body.name).toBe("changelog");
    expect(onlyName.body.display_name).toBe("Write the changelog");

    const onlyDisplay = await create(alice, { input: "bump dependencies", template_version_id: version, display_name: "Dependency bump" });
    expect(onlyDisplay.body.display_name).toBe("Dependency bump");
    expect(onlyDisplay.body.name).toMatch(/^bump-dependencies-[0-9a-f]{4}$/);
  });

  it("accepts a name of exactly 32 characters and a display name of exactly 64", async () => {
    const alice = await createTestUser();
    const res = await create(alice, { input: "x", template_version_id: version, name: "a".repeat(32), display_name: "D".repeat(64) });
    expect(res.status).toBe(201);
    expect(res.body.name).toBe("a".repeat(32));
    expect(res.body.display_name).toBe("D".repeat(64));
  });

  it("treats empty or null name/display_name as absent", async () => {
    const alice = await createTestUser();
    const res = await create(alice, { input: "tidy the readme", template_version_id: version, name: "", display_name: null });
    expect(res.status).toBe(201);
    expect(res.body.name).toMatch(/^tidy-the-readme-[0-9a-f]{4}$/);
    expect(res.body.display_name).toBe("Tidy the readme");
  });

  it("a blank display name is generated rather than stored blank", async () => {
    const alice = await createTestUser();
    const res = await create(alice, { input: "rename the cli flags", template_version_id: version, display_name: "   " });
    expect(res.status).toBe(201);
    expect(res.body.display_name).toBe("Rename the cli flags");
    const withName = await create(alice, { input: "rename the cli flags", template_version_id: version, name: "flags", display_name: " \t " });
    expect(withName.status).toBe(201);
    expect(withName.body.display_name).toBe("Rename the cli flags");
  });

  it("rejects bad names with 400 on `name`, creating nothing", async () => {
    const alice = await createTestUser();
    for (const name of ["has space", "-lead", "trail-", "double--dash", "under_score", "dot.ted", "a".repeat(33), "new", "create", "NEW", "Create", "ünï", "a/b", "x\u0000y", 42, true, ["a"]]) {
      expectValidation(await create(alice, { input: "x", template_version_id: version, name }), "name");
    }
    expect(await taskCount(alice.id)).toBe(0);
  });

  it("rejects a display name over 64 characters or of the wrong type", async () => {
    const alice = await createTestUser();
    expectValidation(await create(alice, { input: "x", template_version_id: version, display_name: "D".repeat(65) }), "display_name");
    expectValidation(await create(alice, { input: "x", template_version_id: version, display_name: 7 }), "display_name");
    expectValidation(await create(alice, { input: "x", template_version_id: version, display_name: "a\u0000b" }), "display_name");
    expect(await taskCount(alice.id)).toBe(0);
  });

  it("rejects empty, blank, missing or non-string input", async () => {
    const alice = await createTestUser();
    for (const input of ["", "   ", "\n\t ", null, 5, ["x"], { text: "x" }, "a\u0000"]) {
      expectValidation(await create(alice, { input, template_version_id: version }), "input");
    }
    expectValidation(await create(alice, { template_version_id: version }), "input");
    expect(await taskCount(alice.id)).toBe(0);
  });

  it("rejects a missing, malformed or unknown template version", async () => {
    const alice = await createTestUser();
    expectValidation(await create(alice, { input: "x" }), "template_version_id");
    expectValidation(await create(alice, { input: "x", template_version_id: "echo" }), "template_version_id");
    expectValidation(await create(alice, { input: "x", template_version_id: RANDOM_UUID }), "template_version_id");
    expectValidation(await create(alice, { input: "x", template_version_id: ZERO_UUID }), "template_version_id");
    expect(await taskCount(alice.id)).toBe(0);
  });

  it("auto_pause_after_idle: whole seconds from 0 (off) to 30 days are stored; anything else is a 400 naming the field, creating nothing", async () => {
    const alice = await createTestUser();
    const param = (value: unknown) => ({ input: "x", template_version_id: version, rich_parameter_values: [{ name: "repo_url", value: "" }, { name: "auto_pause_after_idle", value }] });
    for (const value of ["-1", "1.5", "1e3", " 5", "5 ", "abc", "0x10", "2592001", "99999999999", 30, null]) {
      const res = await create(alice, param(value));
      expectValidation(res, typeof value === "string" ? "rich_parameter_values.1.auto_pause_after_idle" : "rich_parameter_values.1.value");
      if (typeof value === "string") expect(JSON.stringify(res.body.validations)).toContain("seconds");
    }
    expect(await taskCount(alice.id)).toBe(0);
    for (const value of ["0", "2", "1800", "2592000"]) {
      const res = await create(alice, param(value));
      expect(res.status).toBe(201);
      expect(res.body.rich_parameter_values).toContainEqual({ name: "auto_pause_after_idle", value });
    }
    expect(await taskCount(alice.id)).toBe(4);
  });

  it("presets: a preset of the version is stored; unknown, foreign or malformed is 400; zero UUID and empty mean none", async () => {
    const alice = await createTestUser();
    const slow = echoPresets.find((p) => p.Name === "Slow")!;
    const ok = await create(alice, { input: "x", template_version_id: version, template_version_preset_id: slow.ID });
    expect(ok.status).toBe(201);
    expect((await sql`SELECT template_version_preset_id FROM tasks WHERE id = ${ok.body.id}`)[0].template_version_preset_id).toBe(slow.ID);

    for (const presetId of [RANDOM_UUID, claudePresets[0].ID, "not-a-uuid", 12]) {
      expectValidation(await create(alice, { input: "x", template_version_id: version, template_version_preset_id: presetId }), "template_version_preset_id");
    }
    expect(await taskCount(alice.id)).toBe(1);

    for (const presetId of [ZERO_UUID, "", null]) {
      const res = await create(alice, { input: "x", template_version_id: version, template_version_preset_id: presetId });
      expect(res.status).toBe(201);
      expect((await sql`SELECT template_version_preset_id FROM tasks WHERE id = ${res.body.id}`)[0].template_version_preset_id).toBeNull();
    }
  });

  it("a name already taken by the same owner is 409 (case-insensitively); free again after delete; other owners unaffected", async () => {
    const alice = await createTestUser();
    const bob = await createTestUser();
    const name = uniqueName("dup");
    const first = await create(alice, { input: "x", template_version_id: version, name });
    expect(first.status).toBe(201);
    expectError(await create(alice, { input: "y", template_version_id: version, name }), 409);
    expectError(await create(alice, { input: "y", template_version_id: version, name: name.toUpperCase() }), 409);
    expect(await taskCount(alice.id)).toBe(1);
    expect((await sql`SELECT count(*)::int AS n FROM workspaces WHERE owner_id = ${alice.id}`)[0].n).toBe(1);

    expect((await create(bob, { input: "x", template_version_id: version, name })).status).toBe(201);

    expect((await raw("DELETE", `/api/v2/tasks/me/${first.body.id}`, { token: alice.token })).status).toBe(202);
    const again = await create(alice, { input: "z", template_version_id: version, name: name.toUpperCase() });
    expect(again.status).toBe(201);
    expect(again.body.id).not.toBe(first.body.id);
    expect((await raw("GET", `/api/v2/tasks/me/${name}`, { token: alice.token })).body.id).toBe(again.body.id);
  });

  it("{user} may be me, the caller's username or id", async () => {
    const alice = await createTestUser();
    for (const who of ["me", alice.username, alice.username.toUpperCase(), alice.id, alice.id.toUpperCase()]) {
      const res = await create(alice, { input: "x", template_version_id: version }, who);
      expect(res.status, who).toBe(201);
      expect(res.body.owner_id).toBe(alice.id);
    }
  });

  it("an admin or the owner creates a task for someone else; a member cannot (404, nothing created)", async () => {
    const alice = await createTestUser();
    const bob = await createTestUser();
    const admin = await createTestUser("admin");

    const byAdmin = await create(admin, { input: "for alice", template_version_id: version }, alice.username);
    expect(byAdmin.status).toBe(201);
    expect(byAdmin.body.owner_id).toBe(alice.id);
    expect(byAdmin.body.owner_name).toBe(alice.username);
    const [build] = await sql`SELECT initiator_id FROM workspace_builds WHERE workspace_id = ${byAdmin.body.workspace_id}`;
    expect(build.initiator_id).toBe(admin.id);

    const byOwner = await raw("POST", `/api/v2/tasks/${alice.id}`, { token: inject("ownerToken"), body: { input: "x", template_version_id: version } });
    expect(byOwner.status).toBe(201);
    expect(byOwner.body.owner_id).toBe(alice.id);

    for (const who of [alice.username, alice.id]) {
      expectNotFound(await create(bob, { input: "for alice", template_version_id: version }, who));
    }
    expect(await taskCount(alice.id)).toBe(2);
    expect(await taskCount(bob.id)).toBe(0);

    expectNotFound(await create(admin, { input: "x", template_version_id: version }, uniqueName("ghost")));
  });
});
