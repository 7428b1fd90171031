import { afterAll, describe, expect, inject, it } from "vitest";
import { ApiError } from "../../lib/api/errors";
import { createDb } from "../../lib/db/client";
import { acquireStreamSlot, onStreamEnd, openStreamCount } from "../../lib/tasks/stream-slots";
import { createTestUser } from "../support/api";
import { testSql } from "../support/db";

const handle = createDb(inject("databaseUrl"), { max: 4 });
const sql = testSql();
afterAll(() => handle.sql.end());

describe("acquireStreamSlot (places are rows, shared by every web server)", () => {
  it("allows TASKYARD_MAX_STREAMS_PER_USER per user, then 429 with Retry-After; a release frees one place, once", async () => {
    const [u1, u2] = await Promise.all([createTestUser(), createTestUser()]);
    const max = 20; // the default
    const releases = await Promise.all(Array.from({ length: max }, () => acquireStreamSlot(handle.db, u1.id)));
    expect(await openStreamCount(handle.db, u1.id)).toBe(max);
    const refused = await acquireStreamSlot(handle.db, u1.id).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ApiError);
    expect((refused as ApiError).status).toBe(429);
    expect((refused as ApiError).extra.headers?.["retry-after"]).toBeDefined();
    // Someone else is not affected.
    await (await acquireStreamSlot(handle.db, u2.id))();
    await releases[0]();
    await releases[0]();
    expect(await openStreamCount(handle.db, u1.id)).toBe(max - 1);
    await acquireStreamSlot(handle.db, u1.id);
    await expect(acquireStreamSlot(handle.db, u1.id)).rejects.toBeInstanceOf(ApiError);
    for (const release of releases) await release();
    expect(await openStreamCount(handle.db, u1.id)).toBe(1);
  });

  it("counts places taken at once from many connections (two servers' worth) exactly", async () => {
    const user = await createTestUser();
    const other = createDb(inject("databaseUrl"), { max: 4 });
    try {
      const tries = await Promise.allSettled(Array.from({ length: 30 }, (_, i) => acquireStreamSlot(i % 2 ? other.db : handle.db, user.id)));
      expect(tries.filter((t) => t.status === "fulfilled")).toHaveLength(20);
      expect(await openStreamCount(handle.db, user.id)).toBe(20);
    } finally {
      await other.sql.end();
    }
  });

  it("a place nobody renews (its server died) stops counting once it expires", async () => {
    const user = await createTestUser();
    await sql`INSERT INTO stream_slots (user_id, expires_at) SELECT ${user.id}, now() + interval '1 hour' FROM generate_series(1, 20)`;
    await expect(acquireStreamSlot(handle.db, user.id)).rejects.toBeInstanceOf(ApiError);
    await sql`UPDATE stream_slots SET expires_at = now() - interval '1 second' WHERE user_id = ${user.id}`;
    const release = await acquireStreamSlot(handle.db, user.id);
    // The expired ones are gone, not only ignored.
    expect((await sql`SELECT count(*)::int AS n FROM stream_slots WHERE user_id = ${user.id}`)[0].n).toBe(1);
    await release();
  });

  it("frees the place of a client that left before its stream was made", async () => {
    const user = await createTestUser();
    const release = await acquireStreamSlot(handle.db, user.id);
    onStreamEnd(new ReadableStream({ pull: () => new Promise(() => {}) }), release, AbortSignal.abort());
    await release(); // the same release, already under way
    expect(await openStreamCount(handle.db, user.id)).toBe(0);
  });
});
