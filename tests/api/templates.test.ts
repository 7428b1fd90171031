import { beforeAll, describe, expect, it } from "vitest";
import { baseUrl, createTestUser, raw, type TestUser } from "../support/api";
import { expectError, expectNotFound } from "../support/expect";

const BUILTIN = {
  echo: "Echo agent",
  claude: "Claude",
  agentapi: "Custom AgentAPI agent",
} as const;

const RANDOM_UUID = "7b0b1f8e-4c1a-4f55-9d2e-0c6a1e3b9f10";

let member: TestUser;
let org: { id: string; name: string };

beforeAll(async () => {
  member = await createTestUser();
  const orgs = await raw("GET", "/api/v2/organizations", { token: member.token });
  org = orgs.body.find((o: { is_default: boolean }) => o.is_default);
});

const get = (path: string) => raw("GET", path, { token: member.token });

describe("organizations", () => {
  it("GET /organizations lists the default organization", async () => {
    const res = await get("/api/v2/organizations");
    expect(res.status).toBe(200);
    expect(Array.isArray(res.body)).toBe(true);
    const def = res.body.filter((o: { is_default: boolean }) => o.is_default);
    expect(def).toHaveLength(1);
    expect(def[0]).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), name: "default", display_name: expect.any(String), is_default: true, created_at: expect.any(String) });
    expect(new Date(def[0].created_at).toISOString()).toBe(def[0].created_at);
  });
});

describe("templates", () => {
  it("lists echo, claude and agentapi with display names, descriptions and icons", async () => {
    const res = await get("/api/v2/templates");
    expect(res.status).toBe(200);
    for (const [name, displayName] of Object.entries(BUILTIN)) {
      const t = res.body.find((x: { name: string }) => x.name === name);
      expect(t, name).toBeDefined();
      expect(t).toMatchObject({ organization_id: org.id, name, display_name: displayName, icon: `/icon/${name}.svg` });
      expect(t.description.length).toBeGreaterThan(10);
      expect(t.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(t.active_version_id).toMatch(/^[0-9a-f-]{36}$/);
      expect(new Date(t.created_at).toISOString()).toBe(t.created_at);
    }
    expect(res.body.find((x: { name: string }) => x.name === "claude").description).toContain("ANTHROPIC_API_KEY");
  });

  it("every built-in icon is served as SVG", async () => {
    for (const name of Object.keys(BUILTIN)) {
      const res = await fetch(`${baseUrl()}/icon/${name}.svg`);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toContain("image/svg+xml");
      expect(await res.text()).toMatch(/^<svg[\s>]/);
    }
  });

  it("organization templates answer by org id, name and `default`", async () => {
    const all = (await get("/api/v2/templates")).body;
    for (const ref of [org.id, org.name, "default", "DEFAULT"]) {
      const res = await get(`/api/v2/organizations/${ref}/templates`);
      expect(res.status, ref).toBe(200);
      expect(res.body.map((t: { id: string }) => t.id).sort()).toEqual(
        all.filter((t: { organization_id: string }) => t.organization_id === org.id).map((t: { id: string }) => t.id).sort(),
      );
    }
    expectNotFound(await get(`/api/v2/organizations/${RANDOM_UUID}/templates`));
    expectNotFound(await get("/api/v2/organizations/no-such-org/templates"));
  });

  it("one template by organization and name, and by id", async () => {
    const list = (await get("/api/v2/templates")).body;
    const echo = list.find((t: { name: string }) => t.name === "echo");
    for (const ref of [org.id, "default", org.name]) {
      const byName = await get(`/api/v2/organizations/${ref}/templates/echo`);
      expect(byName.status).toBe(200);
      expect(byName.body).toEqual(echo);
    }
    const byId = await get(`/api/v2/templates/${echo.id}`);
    expect(byId.status).toBe(200);
    expect(byId.body).toEqual(echo);

    expectNotFound(await get("/api/v2/organizations/default/templates/no-such-template"));
    expectNotFound(await get(`/api/v2/organizations/${RANDOM_UUID}/templates/echo`));
    expectNotFound(await get(`/api/v2/templates/${RANDOM_UUID}`));
    expectNotFound(await get("/api/v2/templates/not-a-uuid"));
  });

  it("template versions and presets", async () => {
    const list = (await get("/api/v2/templates")).body;
    for (const t of list.filter((x: { name: string }) => x.name in BUILTIN)) {
      const version = await get(`/api/v2/templateversions/${t.active_version_id}`);
      expect(version.status).toBe(200);
      expect(version.body).toEqual({ id: t.active_version_id, template_id: t.id, name: expect.any(String), created_at: expect.any(String) });

      const presets = await get(`/api/v2/templateversions/${t.active_version_id}/presets`);
      expect(presets.status).toBe(200);
      expect(presets.body.length).toBeGreaterThan(0);
      for (const p of presets.body) {
        expect(Object.keys(p).sort()).toEqual(["Default", "Description", "ID", "Icon", "Name", "Parameters"]);
        expect(p.ID).toMatch(/^[0-9a-f-]{36}$/);
        expect(typeof p.Name).toBe("string");
        expect(typeof p.Default).toBe("boolean");
        expect(typeof p.Description).toBe("string");
        expect(typeof p.Icon).toBe("string");
        for (const param of p.Parameters) expect(Object.keys(param).sort()).toEqual(["Name", "Value"]);
      }
      expect(presets.body.filter((p: { Default: boolean }) => p.Default)).toHaveLength(1);
    }
    const echo = list.find((t: { name: string }) => t.name === "echo");
    const echoPresets = (await get(`/api/v2/templateversions/${echo.active_version_id}/presets`)).body;
    expect(echoPresets.find((p: { Name: string }) => p.Name === "Slow").Parameters).toEqual([{ Name: "reply_delay_ms", Value: "1000" }]);

    expectNotFound(await get(`/api/v2/templateversions/${RANDOM_UUID}`));
    expectNotFound(await get(`/api/v2/templateversions/${RANDOM_UUID}/presets`));
    expectNotFound(await get("/api/v2/templateversions/not-a-uuid"));
    expectNotFound(await get("/api/v2/templateversions/not-a-uuid/presets"));
  });

  it("every template route needs a token", async () => {
    const list = (await get("/api/v2/templates")).body;
    const echo = list.find((t: { name: string }) => t.name === "echo");
    for (const path of [
      "/api/v2/organizations",
      "/api/v2/templates",
      "/api/v2/organizations/default/templates",
      "/api/v2/organizations/default/templates/echo",
      `/api/v2/templates/${echo.id}`,
      `/api/v2/templateversions/${echo.active_version_id}`,
      `/api/v2/templateversions/${echo.active_version_id}/presets`,
    ]) {
      expectError(await raw("GET", path), 401);
    }
  });
});
