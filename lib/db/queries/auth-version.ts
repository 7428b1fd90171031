import "server-only";
import { sql } from "drizzle-orm";
import type { DbOrTx } from "../client";

/** What `auth_version` reads now (lib/db/schema/web-servers.ts says what bumps it). */
export async function readAuthVersion(db: DbOrTx): Promise<number> {
  const [row] = await db.execute<{ version: string }>(sql`SELECT version::text FROM auth_version`);
  return Number(row?.version ?? 0);
}
