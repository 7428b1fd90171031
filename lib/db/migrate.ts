import path from "node:path";
import { migrate } from "drizzle-orm/postgres-js/migrator";
import { createDb } from "./client";

/** Applies the committed drizzle migrations; safe to run on every start. */
export async function migrateDatabase(url: string): Promise<void> {
  const { db, sql } = createDb(url, { max: 1 });
  try {
    await migrate(db, { migrationsFolder: path.resolve(import.meta.dirname, "../../drizzle") });
  } finally {
    await sql.end();
  }
}
