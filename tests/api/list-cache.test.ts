import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createDb } from "../../lib/db/client";
import { CURRENT_SNAPSHOT, snapshotCached } from "../../lib/db/snapshot-cache";
import { createTestUser, echoTemplateVersion, raw, type TestUser } from "../support/api";
import { testSql } from "../support/db";

const testDb = testSql();

describe("snapshotCached: an answer lives exactly as long as the database is unchanged", () => {
  const handle = createDb(inject("databaseUrl"), { max: 2 });
  afterAll(() => handle.sql.end());
  let made = 0;
  const ask = (key: string) =>
    snapshotCached(handle.db, key, async () => {
      const [{ snapshot }] = await handle.db.execute<{ snapshot: string }>(sql`SELECT ${CURRENT_SNAPSHOT} AS snapshot`);
      return { answer: `answer ${++made}`, snapshot };
    });

  it("answers again from memory while nothing has been written, per key", async () => {
    const first = await ask("a");
    expect(await ask("a")).toBe(first);
    expect(await ask("a")).toBe(first);
    const other = await ask("b");
    expect(other).not.toBe(first);
    expect(await ask("b")).toBe(other);
  });

  it("refuses a transaction's handle: its snapshot would show its own uncommitted writes", async () => {
    await expect(handle.db.transaction((tx) => snapshotCached(tx as unknown as typeof handle.db, "a", async () => ({ answer: "x" })))).rejects.toThrow(/never inside a transaction/);
  });

  it("keeps nothing made without a snapshot (an answer that read no row)", async () => {
    const empty = () => snapshotCached(handle.db, "empty", async () => ({ answer: `empty ${++made}` }));
    expect(await empty()).not.toBe(await empty());
  });

  it("makes it again after any committed write, whoever made it", async () => {
    const before = await ask("a");
    await testDb`UPDATE organizations SET name = name WHERE is_default`;
    const after = await ask("a");
    expect(after).not.toBe(before);
    expect(await ask("a")).toBe(after);
  });

  it("a write still in progress changes nothing until it commits", async () => {
    const before = await ask("a");
    let commit!: () => void;
    const committed = new Promise<void>((r) => (commit = r));
    let written!: () => void;
    const inProgress = new Promise<void>((r) => (written = r));
    const transaction = testDb.begin(async (tx) => {
      await tx`UPDATE organizations SET name = name WHERE is_default`;
      written();
      await committed;
    });
    await inProgress;
    expect(await ask("a")).toBe(before);
    commit();
    await transaction;
    expect(await ask("a")).not.toBe(before);
  });
});

describe("GET /api/v2/tasks is never stale", () => {
  let alice: TestUser;
  let bob: TestUser;
  let task: { id: string; workspace_id: string };

  beforeAll(async () => {
    [alice, bob] = await Promise.all([createTestUser(), createTestUser()]);
    const version = await echoTemplateVersion();
    task = (await raw("POST", "/api/v2/tasks/me", { token: alice.token, body: { input: "Cached list", template_version_id: version } })).body;
  });

  const listed = async (user: TestUser) => {
    const res = await raw("GET", "/api/v2/tasks", { token: user.token });
    expect(res.status).toBe(200);
    return res.body as { tasks: { id: string; display_name: string; status: string }[]; count: number };
  };

  it("shows a write made straight in the database by the very next request", async () => {
    expect((await listed(alice)).tasks[0].id).toBe(task.id);
    await listed(alice);
    await testDb`UPDATE tasks SET display_name = 'Renamed behind the API' WHERE id = ${task.id}`;
    expect((await listed(alice)).tasks[0].display_name).toBe("Renamed behind the API");
    await testDb`UPDATE workspace_builds SET job_status = 'failed' WHERE workspace_id = ${task.workspace_id}`;
    expect((await listed(alice)).tasks[0].status).toBe("error");
    // A change that no trigger announces (Taskyard itself never deletes a build) is seen as well.
    await testDb`DELETE FROM workspace_builds WHERE workspace_id = ${task.workspace_id}`;
    expect((await listed(alice)).tasks[0].status).toBe("pending");
  });

  it("keeps each caller's answer apart", async () => {
    await listed(alice);
    const bobs = await listed(bob);
    expect(bobs).toEqual({ tasks: [], count: 0 });
    expect((await listed(alice)).tasks.map((t) => t.id)).toEqual([task.id]);
  });
});
