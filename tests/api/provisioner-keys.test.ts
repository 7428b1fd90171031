import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createDb } from "../../lib/db/client";
import { authenticateProvisionerKey } from "../../lib/provisioners/keys";
import { registerProvisioner, touchProvisioner } from "../../lib/provisioners/registry";
import { createTestUser, raw, uniqueName, type TestUser } from "../support/api";
import { testSql } from "../support/db";
import { expectError, expectNotFound, expectValidation } from "../support/expect";

const sql = testSql();
const handle = createDb(inject("databaseUrl"), { max: 2 });
afterAll(() => handle.sql.end());
const owner = () => inject("ownerToken");

let member: TestUser;
let adminUser: TestUser;
beforeAll(async () => {
  member = await createTestUser();
  adminUser = await createTestUser("admin");
});

const keysTable = () => sql`SELECT id, name, tags, hashed_secret, created_by, last_used_at FROM provisioner_keys ORDER BY id`;

async function createKey(body: unknown, token = owner()) {
  return raw("POST", "/api/v2/provisioner-keys", { token, body });
}

describe("provisioner keys over the API", () => {
  it("create answers the key once (typk_…), list never shows it, delete is 204 then 404", async () => {
    const name = uniqueName("eu-");
    const created = await createKey({ name, tags: { region: "eu" } });
    expect(created.status).toBe(201);
    expect(Object.keys(created.body).sort()).toEqual(["id", "key", "name", "tags"]);
    expect(created.body).toMatchObject({ name, tags: { region: "eu" } });
    expect(created.body.key).toMatch(/^typk_[0-9a-f]{32}_[0-9a-f]{64}$/);

    const list = await raw("GET", "/api/v2/provisioner-keys", { token: owner() });
    expect(list.status).toBe(200);
    const listed = list.body.find((k: { id: string }) => k.id === created.body.id);
    expect(listed).toMatchObject({ id: created.body.id, name, tags: { region: "eu" }, last_used_at: null });
    expect(list.text).not.toContain(created.body.key.slice(-64));

    expect((await raw("DELETE", `/api/v2/provisioner-keys/${created.body.id}`, { token: owner() })).status).toBe(204);
    expectNotFound(await raw("DELETE", `/api/v2/provisioner-keys/${created.body.id}`, { token: owner() }));
    expectNotFound(await raw("DELETE", "/api/v2/provisioner-keys/not-a-uuid", { token: owner() }));
    const after = await raw("GET", "/api/v2/provisioner-keys", { token: owner() });
    expect(after.body.some((k: { id: string }) => k.id === created.body.id)).toBe(false);
  });

  it("stores only a hash of the secret: the key appears nowhere in the database row", async () => {
    const created = await createKey({ name: uniqueName("hash-") });
    const [row] = await sql`SELECT * FROM provisioner_keys WHERE id = ${created.body.id}`;
    const secret = created.body.key.split("_")[2];
    expect(JSON.stringify(row)).not.toContain(secret);
    expect(row.hashed_secret).toMatch(/^[0-9a-f]{64}$/);
    expect(row.hashed_secret).not.toBe(secret);
    expect(row.created_by).toBeTruthy();
  });

  it("members and admins get 403 for every key route and change nothing; the provisioner list is for owners and admins", async () => {
    const before = await keysTable();
    const existing = await createKey({ name: uniqueName("keep-") });
    const snapshot = await keysTable();
    for (const token of [member.token, adminUser.token]) {
      expectError(await createKey({ name: uniqueName("no-") }, token), 403);
      expectError(await raw("GET", "/api/v2/provisioner-keys", { token }), 403);
      expectError(await raw("DELETE", `/api/v2/provisioner-keys/${existing.body.id}`, { token }), 403);
    }
    expect(await keysTable()).toEqual(snapshot);
    expect(snapshot.length).toBe(before.length + 1);
    expectError(await raw("GET", "/api/v2/provisioners", { token: member.token }), 403);
    expect((await raw("GET", "/api/v2/provisioners", { token: adminUser.token })).status).toBe(200);
    expect((await raw("GET", "/api/v2/provisioner-keys")).status).toBe(401);
  });

  it("bad names and tags are 400 naming the field, and change nothing", async () => {
    const taken = uniqueName("taken-");
    expect((await createKey({ name: taken })).status).toBe(201);
    const before = await keysTable();
    const cases: [unknown, string][] = [
      [{}, "name"],
      [{ name: "" }, "name"],
      [{ name: "Has Caps" }, "name"],
      [{ name: "x".repeat(33) }, "name"],
      [{ name: "ok-name", tags: { "Bad Key": "v" } }, "tags.Bad Key"],
      [{ name: "ok-name", tags: { region: "" } }, "tags.region"],
      [{ name: "ok-name", tags: { region: "e u" } }, "tags.region"],
      [{ name: "ok-name", tags: { region: 1 } }, "tags.region"],
      [{ name: "ok-name", tags: { ["k".repeat(65)]: "v" } }, `tags.${"k".repeat(65)}`],
      [{ name: "ok-name", tags: Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`t${i}`, "v"])) }, "tags"],
      [{ name: "ok-name", tags: ["region=eu"] }, "tags"],
      [{ name: "ok-name", extra: true }, ""],
    ];
    for (const [body, field] of cases) {
      const res = await createKey(body);
      if (field) expectValidation(res, field);
      else expectError(res, 400);
    }
    expectError(await createKey({ name: taken }), 409);
    expect(await keysTable()).toEqual(before);
  });
});

describe("authenticating a daemon and registering it", () => {
  it("the right key authenticates; a wrong secret, a user token or junk does not; a deleted key is refused at once", async () => {
    const created = (await createKey({ name: uniqueName("auth-"), tags: { region: "eu" } })).body;
    expect(await authenticateProvisionerKey(handle.db, created.key)).toEqual({ keyId: created.id, name: created.name, tags: { region: "eu" } });
    const [used] = await sql`SELECT last_used_at FROM provisioner_keys WHERE id = ${created.id}`;
    expect(used.last_used_at).toBeInstanceOf(Date);
    const wrong = created.key.slice(0, -1) + (created.key.endsWith("0") ? "1" : "0");
    expect(await authenticateProvisionerKey(handle.db, wrong)).toBeNull();
    expect(await authenticateProvisionerKey(handle.db, member.token)).toBeNull();
    expect(await authenticateProvisionerKey(handle.db, "typk_")).toBeNull();
    expect(await authenticateProvisionerKey(handle.db, "")).toBeNull();

    const registered = await registerProvisioner(handle.db, { keyId: created.id, host: uniqueName("host-"), tags: {}, version: "v-test" });
    expect(await touchProvisioner(handle.db, registered.id)).toBe(true);
    expect((await raw("DELETE", `/api/v2/provisioner-keys/${created.id}`, { token: owner() })).status).toBe(204);
    expect(await authenticateProvisionerKey(handle.db, created.key)).toBeNull();
    // Its daemon's registration went with it: its heartbeat says so, and it is no longer listed.
    expect(await touchProvisioner(handle.db, registered.id)).toBe(false);
    const list = await raw("GET", "/api/v2/provisioners", { token: owner() });
    expect(list.body.some((p: { id: string }) => p.id === registered.id)).toBe(false);
    await expect(registerProvisioner(handle.db, { keyId: created.id, host: "h", tags: {}, version: "v" })).rejects.toMatchObject({ status: 401 });
  });

  it("a key's pinned tags are the daemon's: none asked → the key's; the same → fine; another → refused with the reason", async () => {
    const pinned = (await createKey({ name: uniqueName("pin-"), tags: { region: "eu", gpu: "true" } })).body;
    const host = uniqueName("pinned-host-");
    expect((await registerProvisioner(handle.db, { keyId: pinned.id, host, tags: {}, version: "v" })).tags).toEqual({ region: "eu", gpu: "true" });
    const again = await registerProvisioner(handle.db, { keyId: pinned.id, host, tags: { region: "eu" }, version: "v2" });
    expect(again.tags).toEqual({ region: "eu", gpu: "true" });
    // A restart on the same host takes its row back.
    const rows = await sql`SELECT id, version FROM provisioners WHERE key_id = ${pinned.id}`;
    expect(rows).toEqual([{ id: again.id, version: "v2" }]);
    await expect(registerProvisioner(handle.db, { keyId: pinned.id, host, tags: { region: "us" }, version: "v" })).rejects.toMatchObject({ status: 403, message: expect.stringMatching(/pins.*region=eu.*region=us/) });
    await expect(registerProvisioner(handle.db, { keyId: pinned.id, host, tags: { extra: "x" }, version: "v" })).rejects.toMatchObject({ status: 403 });

    const open = (await createKey({ name: uniqueName("open-") })).body;
    expect((await registerProvisioner(handle.db, { keyId: open.id, host, tags: { region: "us" }, version: "v" })).tags).toEqual({ region: "us" });
    await raw("DELETE", `/api/v2/provisioner-keys/${pinned.id}`, { token: owner() });
    await raw("DELETE", `/api/v2/provisioner-keys/${open.id}`, { token: owner() });
  });
});

describe("a task whose template requires tags no live provisioner has says so", () => {
  it("'waiting for a provisioner with region=eu' appears in the task JSON, and goes once such a provisioner registers", async () => {
    const region = `eu${Date.now() % 100000}`;
    const template = await raw("POST", "/api/v2/organizations/default/templates", {
      token: owner(),
      body: { name: uniqueName("tagged-"), display_name: "Tagged", config: { agent: { kind: "echo" }, provisioner_tags: { region } } },
    });
    expect(template.status).toBe(201);
    const versions = await raw("GET", `/api/v2/templates/${template.body.id}/versions`, { token: owner() });
    expect(versions.body[0].config.provisioner_tags).toEqual({ region });
    const task = (await raw("POST", "/api/v2/tasks/me", { token: member.token, body: { input: "hello", template_version_id: template.body.active_version_id } })).body;
    const get = async () => (await raw("GET", `/api/v2/tasks/me/${task.id}`, { token: member.token })).body;
    expect((await get()).current_state).toBeNull();

    const expected = `waiting for a provisioner with region=${region}`;
    const deadline = Date.now() + 20_000;
    let seen = await get();
    while (seen.current_state?.message !== expected && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 250));
      seen = await get();
    }
    expect(seen.status).toBe("pending");
    expect(seen.current_state).toMatchObject({ state: "working", message: expected, uri: "" });
    const listed = (await raw("GET", `/api/v2/tasks?q=${encodeURIComponent(`owner:${member.username}`)}`, { token: member.token })).body.tasks.find((t: { id: string }) => t.id === task.id);
    expect(listed.current_state.message).toBe(expected);
    // A live provisioner without the tag changes nothing.
    const wrong = await registerProvisioner(handle.db, { keyId: null, host: uniqueName("us-host-"), tags: { region: "elsewhere" }, version: "v" });
    await new Promise((r) => setTimeout(r, 2500));
    expect((await get()).current_state?.message).toBe(expected);

    const right = await registerProvisioner(handle.db, { keyId: null, host: uniqueName("eu-host-"), tags: { region }, version: "v" });
    try {
      const until = Date.now() + 20_000;
      let now = await get();
      while (now.current_state !== null && Date.now() < until) {
        await new Promise((r) => setTimeout(r, 250));
        await touchProvisioner(handle.db, right.id);
        now = await get();
      }
      expect(now.status).toBe("pending");
      expect(now.current_state).toBeNull();
    } finally {
      await sql`DELETE FROM provisioners WHERE id IN (${right.id}, ${wrong.id})`;
    }
  });
});
