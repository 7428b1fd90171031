import "server-only";
import { randomBytes } from "node:crypto";
import type { Db, DbOrTx } from "../db/client";
import { deleteInvite, deleteUserSessions, findLiveInvite, updateUser, upsertInvite } from "../db/queries/users";
import type { User } from "../db/schema";
import { ApiError } from "../api/errors";
import { env } from "../env";
import { forgetKey, forgetUser } from "./caller-cache";
import { hashPassword } from "./passwords";
import { issueToken } from "./sessions";
import { sha256 } from "./tokens";

/** How long an invite link works: long enough for a weekend, short enough that a forgotten one dies. */
export const INVITE_LIFETIME_MS = 7 * 24 * 60 * 60 * 1000;

/** The code's shape, checked before any lookup: anything else names no invite. */
const INVITE_CODE_PATTERN = /^[A-Za-z0-9_-]{32}$/;

/** The server as the person opening the link reaches it (TASKYARD_ACCESS_URL behind a proxy). */
export function inviteUrl(req: Request, code: string): string {
  const url = new URL(req.url);
  const base = env().TASKYARD_ACCESS_URL?.replace(/\/+$/, "") ?? `${url.protocol}//${req.headers.get("host") ?? url.host}`;
  return `${base}/invite?code=${code}`;
}

/**
 * A fresh one-time code for `user` (replacing any earlier one); only its hash is stored, so the
 * code in the answer is the only copy there will ever be.
 */
export async function createInvite(db: DbOrTx, user: Pick<User, "id">, createdBy: string): Promise<{ code: string; expiresAt: Date }> {
  const code = randomBytes(24).toString("base64url");
  const expiresAt = new Date(Date.now() + INVITE_LIFETIME_MS);
  await upsertInvite(db, { userId: user.id, hashedCode: sha256(code), expiresAt, createdBy });
  return { code, expiresAt };
}

/** The user a live invite is for (whom the page greets), or a 404 for a wrong, used or expired code. */
export async function findInvite(db: DbOrTx, code: string) {
  if (!INVITE_CODE_PATTERN.test(code)) throw ApiError.notFound();
  const found = await findLiveInvite(db, sha256(code));
  if (!found || found.user.status !== "invited") throw ApiError.notFound();
  return found;
}

/**
 * The invited user chooses their password: the invite is used up, the account becomes active and
 * the answer is a session (the page signs them in). A suspended invitee's link stays dead until
 * an owner or admin reactivates them.
 */
export async function acceptInvite(db: Db, code: string, password: string): Promise<{ user: User; token: string }> {
  await findInvite(db, code); // before hashing: a wrong code must not cost a hashing slot
  const passwordHash = await hashPassword(password);
  const result = await db.transaction(async (tx) => {
    const found = await findLiveInvite(tx, sha256(code), true);
    if (!found || found.user.status !== "invited") throw ApiError.notFound();
    await deleteInvite(tx, found.user.id);
    // Nobody could have signed in as them yet; this only makes sure of it.
    const stale = await deleteUserSessions(tx, found.user.id);
    const user = await updateUser(tx, found.user.id, { passwordHash, status: "active" });
    const token = await issueToken(tx, user.id, "password");
    return { user, token, stale };
  });
  result.stale.forEach(forgetKey);
  forgetUser(result.user.id);
  return { user: result.user, token: result.token };
}
