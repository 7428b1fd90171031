import { generateSetupCode } from "../auth/setup-code";
import { createDb } from "../db/client";
import { countUsers } from "../db/queries/users";

/**
 * The one-time code first-run setup asks for (`/setup?code=…`) while no user exists; once someone
 * owns this Taskyard there is none. Whether a request must show it is `assertSetupCode`'s rule.
 */
export async function firstRunSetupCode(databaseUrl: string): Promise<string | undefined> {
  const { db, sql } = createDb(databaseUrl, { max: 1 });
  try {
    return (await countUsers(db)) === 0 ? generateSetupCode() : undefined;
  } finally {
    await sql.end();
  }
}
