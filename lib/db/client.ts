import { drizzle, type PostgresJsDatabase } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { env } from "../env";
import * as schema from "./schema";

export type Db = PostgresJsDatabase<typeof schema>;
/** A database handle or an open transaction: queries take either. */
export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];
export type DbOrTx = Db | Tx;

type Handle = { db: Db; sql: postgres.Sql };

const globalForDb = globalThis as unknown as { taskyardDb?: Handle };

export function createDb(url: string, options: postgres.Options<Record<string, never>> = {}): Handle {
  const sql = postgres(url, { max: 10, onnotice: () => {}, ...options });
  return { sql, db: drizzle(sql, { schema, casing: "snake_case" }) };
}

function handle(): Handle {
  if (!globalForDb.taskyardDb) {
    const url = env().DATABASE_URL;
    if (!url) throw new Error("DATABASE_URL is not set; start Taskyard with `npm start`.");
    globalForDb.taskyardDb = createDb(url);
  }
  return globalForDb.taskyardDb;
}

/** The process-wide drizzle handle (lazy, so importing never connects). */
export const db: Db = new Proxy({} as Db, {
  get: (_t, prop) => Reflect.get(handle().db, prop),
});

export function rawSql(): postgres.Sql {
  return handle().sql;
}

export async function closeDb(): Promise<void> {
  const h = globalForDb.taskyardDb;
  globalForDb.taskyardDb = undefined;
  await h?.sql.end({ timeout: 5 });
}
