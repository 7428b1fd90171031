import "server-only";
import type { z } from "zod";
import type { ApiKey } from "../db/schema";
import type { apiKeyInfoResponse } from "../validation/responses";
import type { Db } from "../db/client";
import { ApiError } from "../api/errors";
import type { CreateApiKeyRequest } from "../validation/users";
import type { Caller } from "./roles";
import { isUniqueViolation } from "./users";
import { issueToken } from "./sessions";

/** A session or API key as the API shows it (Coder's APIKey fields, never the hashed secret). */
export function toApiKeyResponse(key: Pick<ApiKey, "id" | "userId" | "loginType" | "name" | "createdAt" | "lastUsedAt" | "expiresAt">, caller: Caller): z.output<typeof apiKeyInfoResponse> {
  return {
    id: key.id,
    user_id: key.userId,
    /** `password`: a session from signing in; `token`: a long-lived API key. */
    login_type: key.loginType,
    token_name: key.name,
    created_at: key.createdAt.toISOString(),
    last_used: key.lastUsedAt.toISOString(),
    expires_at: key.expiresAt.toISOString(),
    lifetime_seconds: Math.round((key.expiresAt.getTime() - key.createdAt.getTime()) / 1000),
    /** The key this very request was made with. */
    current: key.id === caller.apiKeyId,
  };
}

/** The id part of `<id>-<secret>`; anything else names no key. */
export const API_KEY_ID_PATTERN = /^[a-zA-Z0-9]{10}$/;

/** A named API key with its own lifetime (default 30 days); a name is unique among the user's keys, in any case. */
export async function createApiKey(db: Db, userId: string, request: CreateApiKeyRequest): Promise<string> {
  return issueToken(db, userId, "token", { name: request.token_name, lifetimeMs: request.lifetime_seconds && request.lifetime_seconds * 1000 }).catch((e) => {
    if (isUniqueViolation(e)) throw ApiError.conflict(`You already have an API key named "${request.token_name}".`);
    throw e;
  });
}
