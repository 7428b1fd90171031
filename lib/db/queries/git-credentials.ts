import "server-only";
import { and, asc, eq, sql } from "drizzle-orm";
import type { DbOrTx } from "../client";
import { gitCredentials, gitProviders, type GitProviderKind } from "../schema";

export async function listGitProviders(db: DbOrTx) {
  return db.select().from(gitProviders).orderBy(asc(gitProviders.host));
}

export async function findGitProvider(db: DbOrTx, id: string) {
  const [row] = await db.select().from(gitProviders).where(eq(gitProviders.id, id));
  return row;
}

export async function findGitProviderByHost(db: DbOrTx, host: string) {
  const [row] = await db.select().from(gitProviders).where(sql`lower(${gitProviders.host}) = lower(${host})`);
  return row;
}

/** Undefined when a provider for the host exists already. */
export async function insertGitProvider(
  db: DbOrTx,
  values: { id: string; kind: GitProviderKind; host: string; apiUrl: string; webhookSecretEncrypted: string | null; issueLabel?: string; issueTemplateId?: string | null },
) {
  const [row] = await db.insert(gitProviders).values(values).onConflictDoNothing().returning();
  return row;
}

/** Undefined when there is no such provider. */
export async function updateGitProviderSettings(db: DbOrTx, id: string, values: { webhookSecretEncrypted?: string | null; issueLabel?: string; issueTemplateId?: string | null }) {
  if (Object.keys(values).length === 0) return findGitProvider(db, id);
  const [row] = await db.update(gitProviders).set(values).where(eq(gitProviders.id, id)).returning();
  return row;
}

export async function deleteGitProvider(db: DbOrTx, id: string): Promise<boolean> {
  const rows = await db.delete(gitProviders).where(eq(gitProviders.id, id)).returning({ id: gitProviders.id });
  return rows.length > 0;
}

const credentialColumns = {
  credential: gitCredentials,
  host: gitProviders.host,
  kind: gitProviders.kind,
  apiUrl: gitProviders.apiUrl,
};

export async function listGitCredentials(db: DbOrTx, userId: string) {
  return db
    .select(credentialColumns)
    .from(gitCredentials)
    .innerJoin(gitProviders, eq(gitProviders.id, gitCredentials.providerId))
    .where(eq(gitCredentials.userId, userId))
    .orderBy(asc(gitProviders.host));
}

export async function findGitCredentialForHost(db: DbOrTx, userId: string, host: string) {
  const [row] = await db
    .select(credentialColumns)
    .from(gitCredentials)
    .innerJoin(gitProviders, eq(gitProviders.id, gitCredentials.providerId))
    .where(and(eq(gitCredentials.userId, userId), sql`lower(${gitProviders.host}) = lower(${host})`));
  return row;
}

/** One credential per user and provider: saving another replaces it (a new token for the same forge). */
export async function upsertGitCredential(
  db: DbOrTx,
  values: { userId: string; providerId: string; login: string; scopes: string[] | null; tokenEncrypted: string; tokenLast4: string },
) {
  const [row] = await db
    .insert(gitCredentials)
    .values(values)
    .onConflictDoUpdate({
      target: [gitCredentials.userId, gitCredentials.providerId],
      set: { login: values.login, scopes: values.scopes, tokenEncrypted: values.tokenEncrypted, tokenLast4: values.tokenLast4, createdAt: new Date(), lastUsedAt: null },
    })
    .returning();
  return row;
}

/** Scoped by the user: another user's credential id deletes nothing (404). */
export async function deleteGitCredential(db: DbOrTx, userId: string, id: string): Promise<boolean> {
  const rows = await db
    .delete(gitCredentials)
    .where(and(eq(gitCredentials.id, id), eq(gitCredentials.userId, userId)))
    .returning({ id: gitCredentials.id });
  return rows.length > 0;
}

export async function touchGitCredential(db: DbOrTx, id: string) {
  await db.update(gitCredentials).set({ lastUsedAt: new Date() }).where(eq(gitCredentials.id, id));
}

export async function allSealedSecrets(db: DbOrTx) {
  const credentials = await db.select({ id: gitCredentials.id, userId: gitCredentials.userId, sealed: gitCredentials.tokenEncrypted }).from(gitCredentials);
  const providers = await db.select({ id: gitProviders.id, sealed: gitProviders.webhookSecretEncrypted }).from(gitProviders);
  return { credentials, providers };
}

export async function replaceSealedToken(db: DbOrTx, id: string, sealed: string) {
  await db.update(gitCredentials).set({ tokenEncrypted: sealed }).where(eq(gitCredentials.id, id));
}

export async function replaceSealedWebhookSecret(db: DbOrTx, id: string, sealed: string) {
  await db.update(gitProviders).set({ webhookSecretEncrypted: sealed }).where(eq(gitProviders.id, id));
}
