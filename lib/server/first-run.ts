import { sql } from "drizzle-orm";
import { generateSetupCode } from "../auth/setup-code";
import { createDb } from "../db/client";
import { countUsers } from "../db/queries/users";

/**
 * The one-time code first-run setup asks for (`/setup?code=…`) while no user exists; once someone
 * owns this Taskyard there is none. The first server to start on an empty database makes it and
 * every other server on that database reads the same one, so the printed address works whichever
 * server a load balancer picks. Whether a request must show it is `assertSetupCode`'s rule.
 */
export async function firstRunSetupCode(databaseUrl: string): Promise<string | undefined> {
  const { db, sql: client } = createDb(databaseUrl, { max: 1 });
  try {
    if ((await countUsers(db)) > 0) return undefined;
    await db.execute(sql`INSERT INTO first_run_setup (code) VALUES (${generateSetupCode()}) ON CONFLICT (singleton) DO NOTHING`);
    const [row] = await db.execute<{ code: string }>(sql`SELECT code FROM first_run_setup`);
    return row.code;
  } finally {
    await client.end();
  }
}
