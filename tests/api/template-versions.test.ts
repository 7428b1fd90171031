import { createHash, randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestUser, ownerClient, raw, uniqueName, type TestUser } from "../support/api";
import { TaskFixture, testSql } from "../support/db";
import { expectError, expectNotFound } from "../support/expect";
import { ownerOf, restartExtraServer, startExtraServer, type ExtraServer } from "../support/extra-server";
import { inject } from "vitest";
import { TaskyardClient } from "../../lib/sdk/client";

/**
 * Templates as data: owners create them and save versions through the API; tasks pin the version
 * they were created from; secrets are sealed and write-only; built-ins are seeded once and then
 * belong to the owners.
 */

const SECRET = `tok-${randomBytes(12).toString("hex")}`;
const ownerToken = () => inject("ownerToken");
const asOwner = (method: string, path: string, body?: unknown) => raw(method, path, { token: ownerToken(), body });

function config(extra: Record<string, unknown> = {}) {
  return { agent: { kind: "echo" }, env: { GREETING: "hello" }, ...extra };
}

async function createTemplate(extra: Record<string, unknown> = {}, name = uniqueName("tpl-")) {
  const res = await asOwner("POST", "/api/v2/organizations/default/templates", { name, display_name: `Template ${name}`, config: config(extra) });
  expect(res.status, res.text).toBe(201);
  return res.body as { id: string; name: string; active_version_id: string };
}

const versionsOf = async (id: string) => (await asOwner("GET", `/api/v2/templates/${id}/versions`)).body as { id: string; name: string; number: number; active: boolean; config: any; secret_names: string[] }[];

let member: TestUser;
beforeAll(async () => {
  member = await createTestUser();
});

describe("creating and editing templates", () => {
  it("creates a template whose version 1 is active, and answers its config in the wire's shape", async () => {
    const name = uniqueName("tpl-");
    const res = await asOwner("POST", "/api/v2/organizations/default/templates", {
      name,
      display_name: "Node app",
      icon: "/icon/echo.svg",
      description: "Installs dependencies first",
      config: {
        agent: { kind: "echo" },
        models: ["claude-haiku-4-5"],
        setup_script: "npm ci",
        setup_timeout_s: 300,
        env: { NODE_ENV: "test" },
        secrets: { NPM_TOKEN: SECRET },
        mcp_servers: { files: { command: "npx", args: ["-y", "@modelcontextprotocol/server-filesystem", "."] } },
        auto_pause_after_idle: 600,
      },
    });
    expect(res.status, res.text).toBe(201);
    expect(res.body).toMatchObject({ name, display_name: "Node app", icon: "/icon/echo.svg", description: "Installs dependencies first", archived: false, available: true, models: ["claude-haiku-4-5"] });
    const versions = await versionsOf(res.body.id);
    expect(versions).toHaveLength(1);
    expect(versions[0]).toMatchObject({ id: res.body.active_version_id, name: "v1", number: 1, active: true, template_id: res.body.id, secret_names: ["NPM_TOKEN"] });
    expect(versions[0].config).toEqual({
      agent: { kind: "echo" },
      models: ["claude-haiku-4-5"],
      setup_script: "npm ci",
      setup_timeout_s: 300,
      env: { NODE_ENV: "test" },
      mcp_servers: { files: { command: "npx", args: ["-y", "@modelcontextprotocol/server-filesystem", "."] } },
      auto_pause_after_idle: 600,
    });
    // The existing routes keep their shapes and find it.
    const byName = await raw("GET", `/api/v2/organizations/default/templates/${name}`, { token: member.token });
    expect(byName.status).toBe(200);
    expect(byName.body.id).toBe(res.body.id);
    const v1 = await raw("GET", `/api/v2/templateversions/${res.body.active_version_id}`, { token: member.token });
    expect(v1.body).toEqual({ id: res.body.active_version_id, template_id: res.body.id, name: "v1", created_at: expect.any(String) });
  });

  it("every save is a new version v2, v3 …, active unless activate is false; a version can be made active again", async () => {
    const t = await createTemplate();
    const v2 = await asOwner("POST", `/api/v2/templates/${t.id}/versions`, { config: config({ env: { GREETING: "two" } }) });
    expect(v2.status, v2.text).toBe(201);
    expect(v2.body).toMatchObject({ name: "v2", number: 2, active: true, config: { env: { GREETING: "two" } } });
    const v3 = await asOwner("POST", `/api/v2/templates/${t.id}/versions`, { config: config({ env: { GREETING: "three" } }), activate: false });
    expect(v3.body).toMatchObject({ name: "v3", number: 3, active: false });
    expect((await asOwner("GET", `/api/v2/templates/${t.id}`)).body.active_version_id).toBe(v2.body.id);
    expect((await versionsOf(t.id)).map((v) => [v.name, v.active])).toEqual([["v3", false], ["v2", true], ["v1", false]]);

    const activate = await asOwner("PATCH", `/api/v2/templates/${t.id}/versions`, { id: t.active_version_id });
    expect(activate.status, activate.text).toBe(200);
    expect(activate.body).toEqual({ message: "Updated the active template version!" });
    expect((await asOwner("GET", `/api/v2/templates/${t.id}`)).body.active_version_id).toBe(t.active_version_id);
    // The version named by name, as `taskyard task create --template-version` asks for it.
    expect((await asOwner("GET", `/api/v2/organizations/default/templates/${t.name}/versions/v3`)).body.id).toBe(v3.body.id);
  });

  it("a version inserted without a number (a script, an older tool) gets the next one", async () => {
    const t = await createTemplate();
    const [row] = await testSql()`
      INSERT INTO template_versions (template_id, name, config) VALUES (${t.id}, 'by-hand', ${testSql().json({ brain: "echo" })}) RETURNING number`;
    expect(row.number).toBe(2);
    expect((await asOwner("POST", `/api/v2/templates/${t.id}/versions`, { config: config() })).body).toMatchObject({ number: 3, name: "v3" });
  });

  it("a version of another template cannot be made active", async () => {
    const [a, b] = [await createTemplate(), await createTemplate()];
    const res = await asOwner("PATCH", `/api/v2/templates/${a.id}/versions`, { id: b.active_version_id });
    expectError(res, 400);
    expect(res.body.validations).toEqual([{ field: "id", detail: expect.any(String) }]);
    expect((await asOwner("GET", `/api/v2/templates/${a.id}`)).body.active_version_id).toBe(a.active_version_id);
  });

  it("a taken name is 409 and changes nothing", async () => {
    const t = await createTemplate();
    const res = await asOwner("POST", "/api/v2/organizations/default/templates", { name: t.name, display_name: "Again", config: config() });
    expectError(res, 409);
    expect(await versionsOf(t.id)).toHaveLength(1);
    expectError(await asOwner("POST", "/api/v2/organizations/default/templates", { name: "echo", display_name: "Echo again", config: config() }), 409);
  });
});

describe("who may change templates", () => {
  it("members get 403 for every change and for the versions list; unknown templates are 404 for the owner", async () => {
    const t = await createTemplate();
    const as = (method: string, path: string, body?: unknown) => raw(method, path, { token: member.token, body });
    expectError(await as("POST", "/api/v2/organizations/default/templates", { name: uniqueName("m-"), display_name: "Mine", config: config() }), 403);
    expectError(await as("POST", `/api/v2/templates/${t.id}/versions`, { config: config() }), 403);
    expectError(await as("PATCH", `/api/v2/templates/${t.id}/versions`, { id: t.active_version_id }), 403);
    expectError(await as("PATCH", `/api/v2/templates/${t.id}`, { archived: true }), 403);
    expectError(await as("GET", `/api/v2/templates/${t.id}/versions`), 403);
    expect(await versionsOf(t.id)).toHaveLength(1);
    expect((await asOwner("GET", `/api/v2/templates/${t.id}`)).body.archived).toBe(false);

    const unknown = "7b0b1f8e-4c1a-4f55-9d2e-0c6a1e3b9f10";
    expectNotFound(await asOwner("POST", `/api/v2/templates/${unknown}/versions`, { config: config() }));
    expectNotFound(await asOwner("GET", `/api/v2/templates/${unknown}/versions`));
    expectNotFound(await asOwner("PATCH", `/api/v2/templates/${unknown}/versions`, { id: t.active_version_id }));
    expectNotFound(await asOwner("PATCH", `/api/v2/templates/not-a-uuid`, { archived: true }));
    expectNotFound(await asOwner("POST", "/api/v2/organizations/no-such-org/templates", { name: uniqueName("x-"), display_name: "X", config: config() }));
  });
});

describe("bad configs", () => {
  const cases: [string, unknown, string][] = [
    ["unknown agent kind", { agent: { kind: "bash" } }, "config.agent.kind"],
    ["agentapi without a command", { agent: { kind: "agentapi" } }, "config.agent.command"],
    ["lower-case env name", { agent: { kind: "echo" }, env: { lower: "x" } }, "config.env.lower"],
    ["reserved PATH", { agent: { kind: "echo" }, env: { PATH: "/tmp" } }, "config.env.PATH"],
    ["reserved HOME secret", { agent: { kind: "echo" }, secrets: { HOME: "/tmp" } }, "config.secrets.HOME"],
    ["reserved TASKYARD_*", { agent: { kind: "echo" }, env: { TASKYARD_AGENT_URL: "http://x" } }, "config.env.TASKYARD_AGENT_URL"],
    ["the provider's key", { agent: { kind: "echo" }, secrets: { ANTHROPIC_API_KEY: "sk" } }, "config.secrets.ANTHROPIC_API_KEY"],
    ["a name twice", { agent: { kind: "echo" }, env: { A: "1" }, secrets: { A: "2" } }, "config.secrets.A"],
    ["setup timeout too long", { agent: { kind: "echo" }, setup_timeout_s: 99999 }, "config.setup_timeout_s"],
    ["unknown key", { agent: { kind: "echo" }, surprise: true }, "config"],
    ["non-object MCP server", { agent: { kind: "echo" }, mcp_servers: { x: "npx" } }, "config.mcp_servers.x"],
    ["a value too large", { agent: { kind: "echo" }, env: { BIG: "x".repeat(9000) } }, "config.env.BIG"],
  ];

  it.each(cases)("%s: 400 naming the field, nothing created or changed", async (_what, bad, field) => {
    const t = await createTemplate();
    const name = uniqueName("bad-");
    const created = await asOwner("POST", "/api/v2/organizations/default/templates", { name, display_name: "Bad", config: bad });
    expectError(created, 400);
    expect(created.body.validations.map((v: { field: string }) => v.field)).toContain(field);
    expectNotFound(await asOwner("GET", `/api/v2/organizations/default/templates/${name}`));
    const version = await asOwner("POST", `/api/v2/templates/${t.id}/versions`, { config: bad });
    expectError(version, 400);
    expect(await versionsOf(t.id)).toHaveLength(1);
  });

  it("bad names, display names and icons are 400", async () => {
    for (const body of [
      { name: "Has Spaces", display_name: "x", config: config() },
      { name: "UPPER", display_name: "x", config: config() },
      { name: "ok-name", display_name: "", config: config() },
      { name: "ok-name", display_name: "x", icon: "javascript:alert(1)", config: config() },
      { name: "ok-name", display_name: "x" },
    ]) {
      expectError(await asOwner("POST", "/api/v2/organizations/default/templates", body), 400);
    }
    expectNotFound(await asOwner("GET", "/api/v2/organizations/default/templates/ok-name"));
  });
});

describe("tasks pin their version", () => {
  it("an older task keeps its version (and its builds use it) while a new task gets the new active one", async () => {
    const t = await createTemplate();
    const older = await ownerClient().createTask({ input: "on v1", template_version_id: t.active_version_id });
    const v2 = (await asOwner("POST", `/api/v2/templates/${t.id}/versions`, { config: config({ env: { GREETING: "v2" } }) })).body;
    const active = (await asOwner("GET", `/api/v2/templates/${t.id}`)).body.active_version_id;
    expect(active).toBe(v2.id);
    const newer = await ownerClient().createTask({ input: "on v2", template_version_id: active });
    expect(newer.template_version_id).toBe(v2.id);
    expect((await ownerClient().task("me", older.id)).template_version_id).toBe(t.active_version_id);

    // Resuming the older task (paused) builds its own version, not the active one.
    const fixture = await TaskFixture.of(testSql(), older.id);
    await fixture.running();
    await fixture.addBuild("stop", "succeeded");
    const resumed = await raw("POST", `/api/v2/tasks/me/${older.id}/resume`, { token: ownerToken() });
    expect(resumed.status, resumed.text).toBe(202);
    const builds = await testSql()`SELECT transition, template_version_id FROM workspace_builds WHERE workspace_id = ${fixture.workspaceId} ORDER BY build_number`;
    expect(builds.map((b) => [b.transition, b.template_version_id])).toEqual([["start", t.active_version_id], ["stop", expect.anything()], ["start", t.active_version_id]]);
  });
});

describe("archiving", () => {
  it("hides a template from pickers, refuses new tasks on it, keeps its tasks, and can be undone", async () => {
    const t = await createTemplate();
    const task = await ownerClient().createTask({ input: "before archiving", template_version_id: t.active_version_id });
    const archived = await asOwner("PATCH", `/api/v2/templates/${t.id}`, { archived: true });
    expect(archived.status, archived.text).toBe(200);
    expect(archived.body.archived).toBe(true);

    const list = (await raw("GET", "/api/v2/templates", { token: member.token })).body as { id: string }[];
    expect(list.some((x) => x.id === t.id)).toBe(false);
    expect((await raw("GET", "/api/v2/organizations/default/templates", { token: member.token })).body.some((x: { id: string }) => x.id === t.id)).toBe(false);
    const all = (await asOwner("GET", "/api/v2/templates?include_archived=true")).body as { id: string; archived: boolean }[];
    expect(all.find((x) => x.id === t.id)?.archived).toBe(true);

    const refused = await asOwner("POST", "/api/v2/tasks/me", { input: "after archiving", template_version_id: t.active_version_id });
    expectError(refused, 400);
    expect(refused.body.validations).toEqual([{ field: "template_version_id", detail: "its template is archived" }]);
    expect((await ownerClient().task("me", task.id)).id).toBe(task.id);

    expect((await asOwner("PATCH", `/api/v2/templates/${t.id}`, { archived: false })).body.archived).toBe(false);
    expect((await asOwner("POST", "/api/v2/tasks/me", { input: "after unarchiving", template_version_id: t.active_version_id })).status).toBe(201);
  });

  it("display name, description and icon change without a new version; an empty patch is 400", async () => {
    const t = await createTemplate();
    const res = await asOwner("PATCH", `/api/v2/templates/${t.id}`, { display_name: "Renamed", description: "New words", icon: "/icon/claude.svg" });
    expect(res.body).toMatchObject({ display_name: "Renamed", description: "New words", icon: "/icon/claude.svg", active_version_id: t.active_version_id });
    expect(await versionsOf(t.id)).toHaveLength(1);
    expectError(await asOwner("PATCH", `/api/v2/templates/${t.id}`, {}), 400);
  });
});

describe("secrets", () => {
  it("are sealed at rest, never answered, kept by a version that does not name them, replaced or removed when named", async () => {
    const t = await createTemplate({ secrets: { API_TOKEN: SECRET, OTHER: `${SECRET}-other` } });
    const answers: string[] = [];
    const record = <R extends { text: string }>(res: R) => (answers.push(res.text), res);

    let versions = record(await asOwner("GET", `/api/v2/templates/${t.id}/versions`)).body;
    expect(versions[0].secret_names).toEqual(["API_TOKEN", "OTHER"]);
    expect(versions[0].config.secrets).toBeUndefined();

    // No `secrets`: the new version has the same ones.
    const v2 = record(await asOwner("POST", `/api/v2/templates/${t.id}/versions`, { config: config() })).body;
    expect(v2.secret_names).toEqual(["API_TOKEN", "OTHER"]);
    // Named: replaced; null: removed; the rest kept.
    const v3 = record(await asOwner("POST", `/api/v2/templates/${t.id}/versions`, { config: config({ secrets: { API_TOKEN: `${SECRET}-new`, OTHER: null, ADDED: `${SECRET}-added` } }) })).body;
    expect(v3.secret_names).toEqual(["ADDED", "API_TOKEN"]);
    versions = record(await asOwner("GET", `/api/v2/templates/${t.id}/versions`)).body;
    expect(versions.map((v: { secret_names: string[] }) => v.secret_names)).toEqual([["ADDED", "API_TOKEN"], ["API_TOKEN", "OTHER"], ["API_TOKEN", "OTHER"]]);
    record(await asOwner("GET", `/api/v2/templates/${t.id}`));
    record(await asOwner("GET", "/api/v2/templates"));
    const task = await ownerClient().createTask({ input: "uses secrets", template_version_id: v3.id });
    record(await asOwner("GET", `/api/v2/tasks/me/${task.id}`));
    record(await asOwner("GET", "/api/v2/openapi.json"));

    // The agent's manifest carries the MCP servers but no secret either: they reach it only as its environment.
    const fixture = await TaskFixture.of(testSql(), task.id);
    const build = await fixture.latestBuild();
    const agentToken = randomBytes(32).toString("hex");
    await testSql()`
      INSERT INTO workspace_agents (workspace_id, build_id, auth_token_hash, lifecycle_state, api_secret)
      VALUES (${fixture.workspaceId}, ${build.id}, ${createHash("sha256").update(agentToken).digest("hex")}, 'ready', 'secret')`;
    const manifest = record(await raw("GET", "/api/v2/workspaceagents/me/manifest", { headers: { "Coder-Session-Token": agentToken } }));
    expect(manifest.status, manifest.text).toBe(200);
    expect(manifest.body.mcp_servers).toEqual({});

    for (const text of answers) expect(text.includes(SECRET), text.slice(0, 200)).toBe(false);
    const stored = await testSql()`SELECT secrets_encrypted::text AS sealed, config::text AS config FROM template_versions WHERE template_id = ${t.id}`;
    for (const row of stored) {
      expect(row.sealed.includes(SECRET)).toBe(false);
      expect(row.config.includes(SECRET)).toBe(false);
    }
    // Each version's values are sealed to it: the same secret in v1 and v2 is two different ciphertexts.
    const sealed = await testSql()`SELECT secrets_encrypted->>'API_TOKEN' AS v FROM template_versions WHERE template_id = ${t.id} ORDER BY number`;
    expect(new Set(sealed.map((r) => r.v)).size).toBe(3);
  });

  it("the manifest carries the template's MCP servers", async () => {
    const mcp = { github: { type: "http", url: "https://api.githubcopilot.com/mcp/" } };
    const t = await createTemplate({ mcp_servers: mcp });
    const task = await ownerClient().createTask({ input: "with MCP", template_version_id: t.active_version_id });
    const fixture = await TaskFixture.of(testSql(), task.id);
    const build = await fixture.latestBuild();
    const agentToken = randomBytes(32).toString("hex");
    await testSql()`
      INSERT INTO workspace_agents (workspace_id, build_id, auth_token_hash, lifecycle_state, api_secret)
      VALUES (${fixture.workspaceId}, ${build.id}, ${createHash("sha256").update(agentToken).digest("hex")}, 'ready', 'secret')`;
    const manifest = await raw("GET", "/api/v2/workspaceagents/me/manifest", { headers: { "Coder-Session-Token": agentToken } });
    expect(manifest.body.mcp_servers).toEqual(mcp);
  });
});

describe("built-in templates on a restart", () => {
  let server: ExtraServer | undefined;
  afterAll(async () => {
    await server?.stop();
  });

  it("are seeded once as version 1; an edited or archived built-in stays so after a restart; secrets stay out of the log", async () => {
    server = await startExtraServer({ LOG_LEVEL: "debug" });
    const owner = await ownerOf(server);
    const echo = (await owner.templates()).find((t) => t.name === "echo")!;
    const agentapi = (await owner.templates()).find((t) => t.name === "agentapi")!;
    expect((await owner.templateVersions(echo.id)).map((v) => v.name)).toEqual(["v1"]);
    const edited = await owner.createTemplateVersion(echo.id, { config: { agent: { kind: "echo" }, env: { EDITED: "yes" }, secrets: { LOG_PROBE: SECRET } } });
    await owner.updateTemplate(echo.id, { display_name: "Echo (ours)" });
    await owner.updateTemplate(agentapi.id, { archived: true });

    await server.stop({ keep: true });
    server = await restartExtraServer(server, { LOG_LEVEL: "debug" });
    const signedIn = await new TaskyardClient({ baseUrl: server.baseUrl }).login("owner@example.com", "owner-password");
    const again = new TaskyardClient({ baseUrl: server.baseUrl, token: signedIn.session_token });
    const after = await again.allTemplates();
    const echoAfter = after.find((t) => t.name === "echo")!;
    expect(echoAfter).toMatchObject({ id: echo.id, display_name: "Echo (ours)", active_version_id: edited.id });
    expect((await again.templateVersions(echo.id)).map((v) => [v.name, v.config])).toEqual([
      ["v2", { agent: { kind: "echo" }, env: { EDITED: "yes" } }],
      ["v1", { agent: { kind: "echo" } }],
    ]);
    expect(after.find((t) => t.name === "agentapi")?.archived).toBe(true);
    expect((await again.templates()).some((t) => t.name === "agentapi")).toBe(false);
    expect(server.output().includes(SECRET)).toBe(false);
  }, 120_000);
});
