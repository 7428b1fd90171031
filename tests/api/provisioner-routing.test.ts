import { randomUUID } from "node:crypto";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createDb } from "../../lib/db/client";
import { migrateDatabase } from "../../lib/db/migrate";
import { claimBuild } from "../../lib/db/queries/jobs";
import { registerProvisioner } from "../../lib/provisioners/registry";

/**
 * The claim rules of lib/db/queries/jobs.ts `claimBuild` with tags and hosts, against a database of
 * their own (the shared one holds other files' pending builds, which any claim could take): a
 * fresh database in the run's cluster, migrated as the server migrates it.
 */
let sql: postgres.Sql;
let handle: ReturnType<typeof createDb>;
let dbName: string;
const admin = () => postgres(inject("superuserDatabaseUrl"), { max: 1, onnotice: () => {} });
let owner: string;
let org: string;
let template: string;

beforeAll(async () => {
  const cluster = new URL(inject("databaseUrl"));
  dbName = `routing_${randomUUID().replaceAll("-", "").slice(0, 12)}`;
  const su = admin();
  await su.unsafe(`CREATE DATABASE ${dbName} OWNER ${cluster.username}`);
  await su.end();
  cluster.pathname = `/${dbName}`;
  await migrateDatabase(cluster.toString());
  sql = postgres(cluster.toString(), { max: 2, onnotice: () => {} });
  handle = createDb(cluster.toString(), { max: 2 });
  [{ id: org }] = await sql`INSERT INTO organizations (name, display_name, is_default) VALUES ('default', 'Default', true) RETURNING id`;
  [{ id: owner }] = await sql`INSERT INTO users (email, username, password_hash) VALUES ('r@example.com', 'r', 'x') RETURNING id`;
  [{ id: template }] = await sql`INSERT INTO templates (organization_id, name, display_name) VALUES (${org}, 'echo', 'Echo') RETURNING id`;
});

afterAll(async () => {
  await sql?.end();
  await handle?.sql.end();
  const su = admin();
  await su.unsafe(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  await su.end();
});

let versions = 0;
async function version(tags?: Record<string, string>): Promise<string> {
  const config = { brain: "echo", ...(tags && { provisioner_tags: tags }) };
  const [{ id }] = await sql`INSERT INTO template_versions (template_id, number, name, config) VALUES (${template}, ${++versions}, ${`v${versions}`}, ${sql.json(config)}) RETURNING id`;
  return id;
}

/** A workspace with a first build (as a task's creation makes one). */
async function workspace(versionId: string, transition: "start" | "stop" | "delete" = "start", job = "pending") {
  const [{ id }] = await sql`INSERT INTO workspaces (organization_id, owner_id, template_id, name) VALUES (${org}, ${owner}, ${template}, ${`w${randomUUID().slice(0, 8)}`}) RETURNING id`;
  const [build] = await sql`INSERT INTO workspace_builds (workspace_id, build_number, transition, template_version_id, job_status) VALUES (${id}, 1, ${transition}, ${versionId}, ${job}) RETURNING id`;
  return { workspaceId: id as string, buildId: build.id as string };
}

/** The workspace ran: a succeeded start whose agent runs on `host`, then a pending build (`transition`). */
async function runningOn(host: string, versionId: string, transition: "stop" | "delete" | "start" = "stop") {
  const ws = await workspace(versionId, "start", "succeeded");
  await sql`INSERT INTO workspace_agents (workspace_id, build_id, auth_token_hash, host, pid, lifecycle_state) VALUES (${ws.workspaceId}, ${ws.buildId}, ${randomUUID()}, ${host}, 4242, 'ready')`;
  const [build] = await sql`INSERT INTO workspace_builds (workspace_id, build_number, transition, template_version_id) VALUES (${ws.workspaceId}, 2, ${transition}, ${versionId}) RETURNING id`;
  return { ...ws, buildId: build.id as string };
}

const claim = (options: Parameters<typeof claimBuild>[3]) => claimBuild(handle.db, `test-${randomUUID().slice(0, 6)}`, 60_000, options);

/** Nothing is left claimable between tests: every test starts from an empty queue. */
async function clearQueue() {
  await sql`UPDATE workspace_builds SET job_status = 'succeeded' WHERE job_status IN ('pending', 'running')`;
  await sql`DELETE FROM provisioners`;
}

describe("tag routing: a build goes only to a provisioner whose tags include its template's", () => {
  it("a template requiring region=eu is claimed only with region=eu among the claimer's tags", async () => {
    await clearQueue();
    const eu = await version({ region: "eu" });
    const { buildId } = await workspace(eu);
    expect(await claim({ tags: {} })).toBeUndefined();
    expect(await claim({ tags: { region: "us" } })).toBeUndefined();
    expect(await claim({ tags: { gpu: "true" } })).toBeUndefined();
    const claimed = await claim({ tags: { region: "eu", gpu: "true" } });
    expect(claimed?.id).toBe(buildId);
    const [row] = await sql`SELECT job_status, waiting_for FROM workspace_builds WHERE id = ${buildId}`;
    expect(row).toEqual({ job_status: "running", waiting_for: null });
  });

  it("every required tag must match, and an untagged template goes to anyone (tagged or not)", async () => {
    await clearQueue();
    const both = await version({ region: "eu", gpu: "true" });
    const { buildId } = await workspace(both);
    expect(await claim({ tags: { region: "eu" } })).toBeUndefined();
    expect((await claim({ tags: { region: "eu", gpu: "true" } }))?.id).toBe(buildId);
    const plain = await version();
    const first = await workspace(plain);
    const second = await workspace(plain);
    expect((await claim({}))?.id).toBe(first.buildId);
    expect((await claim({ tags: { region: "eu" } }))?.id).toBe(second.buildId);
  });

  it("an expired lease is taken over only by a matching provisioner", async () => {
    await clearQueue();
    const eu = await version({ region: "eu" });
    const { buildId } = await workspace(eu, "start", "running");
    await sql`UPDATE workspace_builds SET lease_owner = 'dead', lease_expires_at = now() - interval '1 second' WHERE id = ${buildId}`;
    expect(await claim({ tags: { region: "us" } })).toBeUndefined();
    expect((await claim({ tags: { region: "eu" } }))?.id).toBe(buildId);
  });
});

describe("host routing: a workspace's builds go to the host its agent runs on while that host is alive", () => {
  it("a stop for a live agent on host A is not claimable from host B", async () => {
    await clearQueue();
    const plain = await version();
    await registerProvisioner(handle.db, { keyId: null, host: "host-a", tags: {}, version: "test" });
    await registerProvisioner(handle.db, { keyId: null, host: "host-b", tags: {}, version: "test" });
    const { buildId } = await runningOn("host-a", plain, "stop");
    expect(await claim({ host: "host-b" })).toBeUndefined();
    expect(await claim({})).toBeUndefined();
    expect((await claim({ host: "host-a" }))?.id).toBe(buildId);
  });

  it("delete and resume builds are bound to the host as well", async () => {
    await clearQueue();
    const plain = await version();
    await registerProvisioner(handle.db, { keyId: null, host: "host-a", tags: {}, version: "test" });
    const del = await runningOn("host-a", plain, "delete");
    const resume = await runningOn("host-a", plain, "start");
    expect(await claim({ host: "host-b" })).toBeUndefined();
    const got = [await claim({ host: "host-a" }), await claim({ host: "host-a" })].map((b) => b?.id).sort();
    expect(got).toEqual([del.buildId, resume.buildId].sort());
  });

  it("once host A's provisioner is stale (or gone), any matching provisioner takes its builds", async () => {
    await clearQueue();
    const plain = await version();
    const a = await registerProvisioner(handle.db, { keyId: null, host: "host-a", tags: {}, version: "test" });
    const { buildId } = await runningOn("host-a", plain, "stop");
    expect(await claim({ host: "host-b", staleMs: 30_000 })).toBeUndefined();
    await sql`UPDATE provisioners SET last_seen_at = now() - interval '31 seconds' WHERE id = ${a.id}`;
    expect(await claim({ host: "host-b", staleMs: 60_000 })).toBeUndefined();
    expect((await claim({ host: "host-b", staleMs: 30_000 }))?.id).toBe(buildId);
    // A host that never registered (its rows pruned, its key revoked) binds nothing either.
    const other = await runningOn("host-gone", plain, "stop");
    expect((await claim({ host: "host-b" }))?.id).toBe(other.buildId);
  });

  it("host A alive but without the required tags does not hold the build: a matching host takes it", async () => {
    await clearQueue();
    const eu = await version({ region: "eu" });
    await registerProvisioner(handle.db, { keyId: null, host: "host-a", tags: { region: "us" }, version: "test" });
    const { buildId } = await runningOn("host-a", eu, "start");
    expect(await claim({ host: "host-b", tags: { region: "us" } })).toBeUndefined();
    expect((await claim({ host: "host-b", tags: { region: "eu" } }))?.id).toBe(buildId);
  });

  it("one build per workspace at a time still holds with routing", async () => {
    await clearQueue();
    const plain = await version();
    await registerProvisioner(handle.db, { keyId: null, host: "host-a", tags: {}, version: "test" });
    const ws = await runningOn("host-a", plain, "stop");
    await sql`INSERT INTO workspace_builds (workspace_id, build_number, transition, template_version_id) VALUES (${ws.workspaceId}, 3, 'start', ${plain})`;
    const first = await claim({ host: "host-a" });
    expect(first?.id).toBe(ws.buildId);
    expect(await claim({ host: "host-a" })).toBeUndefined();
  });
});
