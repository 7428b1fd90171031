import "server-only";
import type { Db, DbOrTx } from "../db/client";
import { deleteApiKey, deleteUserApiKey, findApiKeyWithUser, findUserByEmail, insertApiKey, replacePasswordHash, touchApiKey } from "../db/queries/users";
import { ApiError } from "../api/errors";
import { readAuthVersion } from "../db/queries/auth-version";
import { logger } from "../logger";
import { cacheGeneration, cachedKey, forgetKey, rememberKey, type CachedKey } from "./caller-cache";
import { ensureExpiredKeyPurge } from "./key-purge";
import { LoginThrottle } from "./login-throttle";
import { DUMMY_PASSWORD_HASH, hashPassword, needsRehash, verifyPassword } from "./passwords";
import type { Caller } from "./roles";
import { generateApiToken, secretMatches, splitApiToken } from "./tokens";

const DAY = 24 * 60 * 60 * 1000;
export const SESSION_LIFETIME_MS = DAY;
export const API_KEY_LIFETIME_MS = 30 * DAY;
export const SESSION_COOKIE = "coder_session_token";
/** What a suspended user's every sign-in and request is told (an invited one has no password to sign in with yet). */
const INACTIVE_MESSAGE = "Your account is suspended.";

export async function issueToken(db: DbOrTx, userId: string, loginType: "password" | "token", options: { name?: string; lifetimeMs?: number } = {}): Promise<string> {
  const { id, token, hashedSecret } = generateApiToken();
  const lifetime = options.lifetimeMs ?? (loginType === "password" ? SESSION_LIFETIME_MS : API_KEY_LIFETIME_MS);
  await insertApiKey(db, { id, userId, hashedSecret, loginType, name: options.name ?? "", expiresAt: new Date(Date.now() + lifetime) });
  return token;
}

/**
 * Same 401 whether the email or the password was wrong, and the same work either way. Too many
 * failures from the address (for this account, or for any) are a 429 before any hashing; an
 * account failed often lately waits up to 2 s first, right password or not (it holds no hashing
 * slot meanwhile). A success clears the account's failures, and re-hashes a password stored at an
 * older cost.
 */
export async function login(db: Db, email: string, password: string, address: string): Promise<string> {
  // One spelling for both the count and the lookup: were the lookup to fold case its own way
  // (PostgreSQL's lower() turns "İ" into "i"), each spelling would get guesses of its own.
  const account = email.trim().toLowerCase();
  // Counted in the database, so every web server on it counts the same failures.
  const attempt = await new LoginThrottle(db).begin(account, address);
  if ("wait" in attempt) throw ApiError.tooManyRequests("Too many failed sign-in attempts; try again later.", attempt.wait);
  let user: Awaited<ReturnType<typeof findUserByEmail>>;
  let ok: boolean;
  try {
    if (attempt.delayMs) await new Promise((resolve) => setTimeout(resolve, attempt.delayMs));
    user = await findUserByEmail(db, account);
    // An invited user has no password yet (""): the same hashing as for anyone, then a "no".
    ok = await verifyPassword(password, user?.passwordHash || DUMMY_PASSWORD_HASH);
  } catch (error) {
    await attempt.finish("abandoned").catch(() => {}); // busy, or the database: not a guess
    throw error;
  }
  ok &&= !!user?.passwordHash;
  // Recorded before answering: the next try, on whichever server, counts it.
  await attempt.finish(user && ok ? "success" : "failure");
  if (!user || !ok) throw ApiError.unauthorized("Incorrect email or password.");
  if (user.status !== "active") throw ApiError.unauthorized(INACTIVE_MESSAGE);
  if (needsRehash(user.passwordHash)) {
    // Best effort: a busy server or a failed write leaves the old hash, for the next sign-in to replace.
    await hashPassword(password)
      .then((next) => replacePasswordHash(db, user.id, user.passwordHash, next))
      .catch((err) => logger.warn({ err, user: user.id }, "re-hashing a password at today's cost failed"));
  }
  return issueToken(db, user.id, "password");
}

/**
 * The caller behind a token. A token used in the last few seconds is answered from this process's
 * cache (lib/auth/caller-cache.ts) for one tiny read — whether `auth_version` still reads as it did
 * when the key was looked up — instead of the key lookup: a revocation, suspension or role change
 * committed through any web server on the database is seen by the very next request to every
 * other. Its secret and expiry are still checked on every request.
 */
export async function authenticateToken(db: Db, token: string): Promise<Caller> {
  ensureExpiredKeyPurge(db);
  const parts = splitApiToken(token);
  if (!parts) throw ApiError.unauthorized("Invalid session token.", "The token is malformed.");
  const cached = cachedKey(parts.id);
  // Read before the key: a change committed after this read bumps it, so what is remembered below can never outlive a change.
  const authVersion = await readAuthVersion(db);
  if (cached?.authVersion === authVersion) return checkKey(db, parts.secret, cached);
  const generation = cacheGeneration();
  const row = await findApiKeyWithUser(db, parts.id);
  if (!row) throw ApiError.unauthorized("Invalid session token.");
  const key: CachedKey = {
    caller: { id: row.user.id, username: row.user.username, email: row.user.email, role: row.user.role, apiKeyId: row.key.id },
    hashedSecret: row.key.hashedSecret,
    expiresAt: row.key.expiresAt.getTime(),
    active: row.user.status === "active",
    lastUsedAt: row.key.lastUsedAt.getTime(),
    userSeenAt: row.user.lastSeenAt?.getTime() ?? 0,
    authVersion,
  };
  const caller = checkKey(db, parts.secret, key);
  rememberKey(parts.id, key, generation);
  return caller;
}

function checkKey(db: Db, secret: string, key: CachedKey): Caller {
  if (!secretMatches(secret, key.hashedSecret)) throw ApiError.unauthorized("Invalid session token.");
  if (key.expiresAt < Date.now()) throw ApiError.unauthorized("Your session has expired.");
  if (!key.active) throw ApiError.unauthorized(INACTIVE_MESSAGE);
  // Recording use costs a write: do it at most once a minute per key (and for a user never seen), off the request path.
  if (Date.now() - Math.min(key.lastUsedAt, key.userSeenAt) > 60_000) {
    key.lastUsedAt = key.userSeenAt = Date.now();
    void touchApiKey(db, key.caller.apiKeyId, key.caller.id).catch(() => {});
  }
  return key.caller;
}

/** Logout and key revocation: gone from the database and from this process's cache at once. */
export async function revokeApiKey(db: Db, keyId: string, userId?: string): Promise<boolean> {
  const revoked = userId ? await deleteUserApiKey(db, userId, keyId) : (await deleteApiKey(db, keyId), true);
  forgetKey(keyId);
  return revoked;
}
