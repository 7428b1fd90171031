import { drizzle, type PostgresJsDatabase } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { env } from "../env";
import { DatabaseHealth } from "./health";
import * as schema from "./schema";

export type Db = PostgresJsDatabase<typeof schema>;
/** A database handle or an open transaction: queries take either. */
export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];
export type DbOrTx = Db | Tx;

type Handle = { db: Db; sql: postgres.Sql };
type ServerHandle = Handle & { health: DatabaseHealth };

const globalForDb = globalThis as unknown as { taskyardDb?: ServerHandle };

/**
 * A pool that fails fast: a connection attempt gives up after 2 s and a statement after 15 s, so
 * nothing waits without bound on a database that is gone.
 *
 * Its statements are planned once per connection (`force_generic_plan`): by default PostgreSQL
 * re-plans a prepared statement with its parameters until a generic plan looks no dearer than the
 * average custom one, which for the task query never happens (with `LIMIT $n` it assumes a tenth of
 * the table), so every list paid ~1 ms of planning for a plan no better than the generic one. Our
 * statements are lookups by key and pages from indexes, where the parameters do not change the plan.
 */
export function createDb(url: string, options: postgres.Options<Record<string, never>> = {}): Handle {
  const sql = postgres(url, {
    max: 10,
    onnotice: () => {},
    connect_timeout: 2,
    connection: { statement_timeout: 15_000, plan_cache_mode: "force_generic_plan" },
    ...options,
  });
  return { sql, db: drizzle(preparing(sql), { schema, casing: "snake_case" }) };
}

/**
 * drizzle sends every statement it was not given a name for as an unnamed one (`prepare: false`),
 * so PostgreSQL parses and plans it again on every call: for the task query that planning costs
 * several times its execution. Through this view of the pool each connection keeps its statements
 * (postgres.js names them by their text), PostgreSQL plans each once, and the statement's text
 * crosses the wire once per connection. That holds for statements without parameters too (the
 * admin's task list has none), which postgres.js would otherwise send as simple queries, parsed
 * and planned every time. A transaction's own handle (from `begin`) is not affected.
 */
function preparing(sql: postgres.Sql): postgres.Sql {
  const unsafe: postgres.Sql["unsafe"] = (query, parameters, queryOptions) =>
    // `simple` is a runtime option of postgres.js that its types do not list.
    sql.unsafe(query, parameters, { ...queryOptions, prepare: true, simple: false } as postgres.UnsafeQueryOptions);
  return new Proxy(sql, { get: (target, prop, receiver) => (prop === "unsafe" ? unsafe : Reflect.get(target, prop, receiver)) });
}

function handle(): ServerHandle {
  if (!globalForDb.taskyardDb) {
    const url = env().DATABASE_URL;
    if (!url) throw new Error("DATABASE_URL is not set; start Taskyard with `npm start`.");
    globalForDb.taskyardDb = { ...createDb(url), health: new DatabaseHealth(url) };
  }
  return globalForDb.taskyardDb;
}

/** The process-wide drizzle handle (lazy, so importing never connects; refused at once while the database is unreachable). */
export const db: Db = new Proxy({} as Db, {
  get: (_t, prop) => {
    const h = handle();
    h.health.assertAvailable();
    return Reflect.get(h.db, prop);
  },
});

/** How this process sees its database (for readiness and for answering 503 rather than 500). */
export function databaseHealth(): DatabaseHealth {
  return handle().health;
}

export function rawSql(): postgres.Sql {
  return handle().sql;
}

export async function closeDb(): Promise<void> {
  const h = globalForDb.taskyardDb;
  globalForDb.taskyardDb = undefined;
  await h?.sql.end({ timeout: 5 });
}
