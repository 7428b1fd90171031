import "server-only";
import { and, asc, desc, eq, gt, ilike, lt, or, sql } from "drizzle-orm";
import type { DbOrTx } from "../client";
import { apiKeys, organizationMembers, organizations, userInvites, users, type UserRole } from "../schema";
import { isUuid } from "../../validation/common";

export async function countUsers(db: DbOrTx): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(users);
  return row.n;
}

export async function findUserByEmail(db: DbOrTx, email: string) {
  const [row] = await db.select().from(users).where(sql`lower(${users.email}) = lower(${email})`);
  return row;
}

/** A user by id or (case-insensitive) username. */
export async function findUserByRef(db: DbOrTx, ref: string) {
  const match = isUuid(ref) ? eq(users.id, ref) : sql`lower(${users.username}) = lower(${ref})`;
  const [row] = await db.select().from(users).where(match);
  return row;
}

export async function insertUser(
  db: DbOrTx,
  values: { email: string; username: string; name?: string; passwordHash: string; role: UserRole; status?: string; organizationId: string },
) {
  const { organizationId, ...user } = values;
  const [row] = await db.insert(users).values(user).returning();
  await db.insert(organizationMembers).values({ organizationId, userId: row.id });
  return row;
}

/** Only if it is still `previous`: a password changed meanwhile is not overwritten by the old one. */
export async function replacePasswordHash(db: DbOrTx, userId: string, previous: string, next: string) {
  await db
    .update(users)
    .set({ passwordHash: next, updatedAt: new Date() })
    .where(and(eq(users.id, userId), eq(users.passwordHash, previous)));
}

export async function listUsers(db: DbOrTx, filter: { search?: string; role?: UserRole; status?: string } = {}) {
  // The search is literal text: `%` and `_` must not act as wildcards.
  const { search } = filter;
  const pattern = search ? `%${search.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : undefined;
  const where = and(
    pattern ? or(ilike(users.username, pattern), ilike(users.email, pattern), ilike(users.name, pattern)) : undefined,
    filter.role ? eq(users.role, filter.role) : undefined,
    filter.status ? eq(users.status, filter.status) : undefined,
  );
  return db
    .select({
      user: users,
      organizationIds: sql<string[]>`coalesce((select array_agg(${organizationMembers.organizationId}) from ${organizationMembers} where ${organizationMembers.userId} = ${users.id}), '{}')`,
    })
    .from(users)
    .where(where)
    .orderBy(asc(users.username));
}

/** The caller behind a token id: one round trip, the key row and its user together. */
export async function findApiKeyWithUser(db: DbOrTx, id: string) {
  const [row] = await db
    .select({ key: apiKeys, user: users })
    .from(apiKeys)
    .innerJoin(users, eq(users.id, apiKeys.userId))
    .where(eq(apiKeys.id, id));
  return row;
}

export async function insertApiKey(db: DbOrTx, values: typeof apiKeys.$inferInsert) {
  await db.insert(apiKeys).values(values);
}

export async function deleteApiKey(db: DbOrTx, id: string) {
  await db.delete(apiKeys).where(eq(apiKeys.id, id));
}

/** A user's sessions and API keys that still work, newest first (never their hashed secrets). */
export async function listApiKeys(db: DbOrTx, userId: string) {
  return db
    .select({ id: apiKeys.id, userId: apiKeys.userId, loginType: apiKeys.loginType, name: apiKeys.name, createdAt: apiKeys.createdAt, lastUsedAt: apiKeys.lastUsedAt, expiresAt: apiKeys.expiresAt })
    .from(apiKeys)
    .where(and(eq(apiKeys.userId, userId), gt(apiKeys.expiresAt, sql`now()`)))
    .orderBy(desc(apiKeys.createdAt), asc(apiKeys.id));
}

/** Revokes one of a user's keys; false if that user has no such key. */
export async function deleteUserApiKey(db: DbOrTx, userId: string, id: string): Promise<boolean> {
  const rows = await db.delete(apiKeys).where(and(eq(apiKeys.userId, userId), eq(apiKeys.id, id))).returning({ id: apiKeys.id });
  return rows.length > 0;
}

/** Sessions and keys past their expiry can never authenticate again: nothing to keep them for. */
export async function purgeExpiredApiKeys(db: DbOrTx): Promise<number> {
  const rows = await db.delete(apiKeys).where(lt(apiKeys.expiresAt, sql`now()`)).returning({ id: apiKeys.id });
  return rows.length;
}

/** Records a key's use and its user's last sighting together (neither wakes the caller caches). */
export async function touchApiKey(db: DbOrTx, id: string, userId: string) {
  const now = new Date();
  await db.update(apiKeys).set({ lastUsedAt: now }).where(eq(apiKeys.id, id));
  await db.update(users).set({ lastSeenAt: now }).where(eq(users.id, userId));
}

/** Locks every owner row: role and status changes that could leave no active owner queue up behind each other. */
export async function lockOwners(db: DbOrTx) {
  return db.select({ id: users.id, status: users.status }).from(users).where(eq(users.role, "owner")).orderBy(asc(users.id)).for("update");
}

export async function lockUser(db: DbOrTx, id: string) {
  const [row] = await db.select().from(users).where(eq(users.id, id)).for("update");
  return row;
}

export async function updateUser(db: DbOrTx, id: string, values: Partial<Pick<typeof users.$inferInsert, "role" | "status" | "passwordHash">>) {
  const [row] = await db
    .update(users)
    .set({ ...values, updatedAt: new Date() })
    .where(eq(users.id, id))
    .returning();
  return row;
}

/** Ends a user's browser and CLI sign-ins (their named API keys stay, refused while the user is suspended). */
export async function deleteUserSessions(db: DbOrTx, userId: string) {
  const rows = await db
    .delete(apiKeys)
    .where(and(eq(apiKeys.userId, userId), eq(apiKeys.loginType, "password")))
    .returning({ id: apiKeys.id });
  return rows.map((r) => r.id);
}

/** One live invite per user: a new one replaces the old. */
export async function upsertInvite(db: DbOrTx, values: typeof userInvites.$inferInsert) {
  await db
    .insert(userInvites)
    .values(values)
    .onConflictDoUpdate({ target: userInvites.userId, set: { hashedCode: values.hashedCode, expiresAt: values.expiresAt, createdBy: values.createdBy, createdAt: new Date() } });
}

/** The invite behind a code's hash, with its user, if it has not expired. */
export async function findLiveInvite(db: DbOrTx, hashedCode: string, lock = false) {
  const query = db
    .select({ invite: userInvites, user: users })
    .from(userInvites)
    .innerJoin(users, eq(users.id, userInvites.userId))
    .where(and(eq(userInvites.hashedCode, hashedCode), gt(userInvites.expiresAt, sql`now()`)));
  const [row] = lock ? await query.for("update") : await query;
  return row;
}

export async function deleteInvite(db: DbOrTx, userId: string) {
  await db.delete(userInvites).where(eq(userInvites.userId, userId));
}

export async function getDefaultOrganization(db: DbOrTx) {
  const [row] = await db.select().from(organizations).where(eq(organizations.isDefault, true));
  return row;
}

/** `{org}` path values: an id, a name, or the word `default`. */
export async function findOrganizationByRef(db: DbOrTx, ref: string) {
  if (ref === "default") return getDefaultOrganization(db);
  const [row] = await db
    .select()
    .from(organizations)
    .where(isUuid(ref) ? eq(organizations.id, ref) : sql`lower(${organizations.name}) = lower(${ref})`);
  return row;
}

export async function listOrganizations(db: DbOrTx) {
  return db.select().from(organizations).orderBy(asc(organizations.createdAt));
}

export async function ensureDefaultOrganization(db: DbOrTx) {
  await db
    .insert(organizations)
    .values({ name: "default", displayName: "Default", isDefault: true })
    .onConflictDoNothing();
  return getDefaultOrganization(db);
}
