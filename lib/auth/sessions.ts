import "server-only";
import type { Db } from "../db/client";
import { findApiKeyWithUser, findUserByEmail, insertApiKey, touchApiKey } from "../db/queries/users";
import { ApiError } from "../api/errors";
import { DUMMY_PASSWORD_HASH, verifyPassword } from "./passwords";
import type { Caller } from "./roles";
import { generateApiToken, secretMatches, splitApiToken } from "./tokens";

const DAY = 24 * 60 * 60 * 1000;
export const SESSION_LIFETIME_MS = DAY;
export const API_KEY_LIFETIME_MS = 30 * DAY;
export const SESSION_COOKIE = "coder_session_token";

export async function issueToken(db: Db, userId: string, loginType: "password" | "token"): Promise<string> {
  const { id, token, hashedSecret } = generateApiToken();
  const lifetime = loginType === "password" ? SESSION_LIFETIME_MS : API_KEY_LIFETIME_MS;
  await insertApiKey(db, { id, userId, hashedSecret, loginType, expiresAt: new Date(Date.now() + lifetime) });
  return token;
}

/** Same 401 whether the email or the password was wrong, and the same work either way. */
export async function login(db: Db, email: string, password: string): Promise<string> {
  const user = await findUserByEmail(db, email);
  const ok = await verifyPassword(password, user?.passwordHash ?? DUMMY_PASSWORD_HASH);
  if (!user || !ok) throw ApiError.unauthorized("Incorrect email or password.");
  if (user.status !== "active") throw ApiError.unauthorized("Your account is suspended.");
  return issueToken(db, user.id, "password");
}

export async function authenticateToken(db: Db, token: string): Promise<Caller> {
  const parts = splitApiToken(token);
  if (!parts) throw ApiError.unauthorized("Invalid session token.", "The token is malformed.");
  const row = await findApiKeyWithUser(db, parts.id);
  if (!row || !secretMatches(parts.secret, row.key.hashedSecret)) throw ApiError.unauthorized("Invalid session token.");
  if (row.key.expiresAt.getTime() < Date.now()) throw ApiError.unauthorized("Your session has expired.");
  if (row.user.status !== "active") throw ApiError.unauthorized("Your account is suspended.");
  // Recording use costs a write: do it at most once a minute per key, off the request path.
  if (Date.now() - row.key.lastUsedAt.getTime() > 60_000) void touchApiKey(db, row.key.id).catch(() => {});
  return { id: row.user.id, username: row.user.username, email: row.user.email, role: row.user.role, apiKeyId: row.key.id };
}
