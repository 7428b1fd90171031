import { createDb } from "../db/client";
import { migrateDatabase } from "../db/migrate";
import { ensureDefaultOrganization } from "../db/queries/users";
import { ensureAdminFromEnv } from "../auth/users";
import { seedTemplates } from "../templates/seed";
import { logger } from "../logger";
import { reencryptSecrets } from "../git-credentials/rotate";

/** Everything a database needs before the server may answer: schema, default org, templates, admin. */
export async function bootstrapDatabase(url: string, admin: { email?: string; password?: string }): Promise<void> {
  await migrateDatabase(url);
  const { db, sql } = createDb(url, { max: 2 });
  try {
    const org = await ensureDefaultOrganization(db);
    await seedTemplates(db, org.id);
    // A key rotation finishes here, before any process reads a token with the new key alone.
    const { reencrypted } = await reencryptSecrets(db);
    if (reencrypted) logger.info({ reencrypted }, "re-encrypted stored git secrets with the new secret key");
    const created = await ensureAdminFromEnv(db, admin.email, admin.password);
    if (created) logger.info({ email: created.email, username: created.username }, "created the first user from TASKYARD_ADMIN_EMAIL");
  } finally {
    await sql.end();
  }
}
