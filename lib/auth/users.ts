import "server-only";
import type { Db } from "../db/client";
import { countUsers, findUserByEmail, getDefaultOrganization, insertUser } from "../db/queries/users";
import type { User, UserRole } from "../db/schema";
import { ApiError } from "../api/errors";
import type { CreateFirstUserRequest, CreateUserRequest, UserStatus } from "../validation/users";
import type { userResponse } from "../validation/responses";
import type { z } from "zod";
import { createInvite } from "./invites";
import { hashPassword } from "./passwords";

/** Serialises first-user creation so two racing setups cannot both become owner. */
const FIRST_USER_LOCK = 7_310_001;

export function toUserResponse(user: User, organizationIds?: string[]): z.output<typeof userResponse> {
  return {
    id: user.id,
    username: user.username,
    email: user.email,
    name: user.name,
    avatar_url: user.avatarUrl,
    roles: [{ name: user.role, display_name: user.role[0].toUpperCase() + user.role.slice(1) }],
    status: user.status as UserStatus,
    created_at: user.createdAt.toISOString(),
    last_seen_at: user.lastSeenAt?.toISOString() ?? null,
    ...(organizationIds ? { organization_ids: organizationIds } : {}),
  };
}

export async function createFirstUser(db: Db, input: CreateFirstUserRequest) {
  const exists = () => ApiError.conflict("The initial user has already been created.");
  // Asked first: hashing takes one of the few sign-in places (lib/auth/passwords.ts), and this
  // public route must not let anyone hold them once the owner exists. Asked again under the lock
  // for two first users at once.
  if ((await countUsers(db)) > 0) throw exists();
  const passwordHash = await hashPassword(input.password);
  return db.transaction(async (tx) => {
    await tx.execute(`select pg_advisory_xact_lock(${FIRST_USER_LOCK})`);
    if ((await countUsers(tx)) > 0) throw exists();
    const org = await getDefaultOrganization(tx);
    const user = await insertUser(tx, { ...input, passwordHash, role: "owner", organizationId: org.id });
    return { user, organizationId: org.id };
  });
}

/**
 * A new user: with a password they can sign in at once; with `invite` they are `invited` (no
 * password) and the answer carries the one-time code for their invite link.
 */
export async function createUser(db: Db, input: CreateUserRequest & { role?: UserRole }, createdBy: string): Promise<{ user: User; invite?: { code: string; expiresAt: Date } }> {
  const { password, invite: _invite, ...fields } = input;
  const passwordHash = password === undefined ? "" : await hashPassword(password);
  return db.transaction(async (tx) => {
    if (await findUserByEmail(tx, input.email)) throw ApiError.conflict("A user with this email already exists.");
    const org = await getDefaultOrganization(tx);
    const user = await insertUser(tx, { ...fields, passwordHash, status: passwordHash ? "active" : "invited", role: input.role ?? "member", organizationId: org.id }).catch((e) => {
      if (isUniqueViolation(e)) throw ApiError.conflict("A user with this username or email already exists.");
      throw e;
    });
    return passwordHash ? { user } : { user, invite: await createInvite(tx, user, createdBy) };
  });
}

export function isUniqueViolation(error: unknown): boolean {
  const cause = (error as { cause?: { code?: string } })?.cause;
  return (error as { code?: string })?.code === "23505" || cause?.code === "23505";
}

/** `npm start` with TASKYARD_ADMIN_EMAIL/PASSWORD: create that owner once, quietly skip otherwise. */
export async function ensureAdminFromEnv(db: Db, email?: string, password?: string): Promise<User | null> {
  if (!email || !password) return null;
  if ((await countUsers(db)) > 0) return null;
  const username = email.split("@")[0].replace(/[^a-zA-Z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 32) || "admin";
  const { user } = await createFirstUser(db, { email: email.toLowerCase(), username, password });
  return user;
}
