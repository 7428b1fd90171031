import { generateSetupCode, isLoopbackOnly } from "../auth/setup-code";
import { createDb } from "../db/client";
import { countUsers } from "../db/queries/users";

/**
 * The one-time code first-run setup needs (`/setup?code=…`): only while no user exists, and only
 * when the server listens where other machines can reach it. On a loopback-only bind, or once
 * someone owns this Taskyard, there is none.
 */
export async function firstRunSetupCode(databaseUrl: string, host: string | undefined): Promise<string | undefined> {
  if (isLoopbackOnly(host)) return undefined;
  const { db, sql } = createDb(databaseUrl, { max: 1 });
  try {
    return (await countUsers(db)) === 0 ? generateSetupCode() : undefined;
  } finally {
    await sql.end();
  }
}
