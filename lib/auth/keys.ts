import "server-only";
import type { z } from "zod";
import type { ApiKey } from "../db/schema";
import type { apiKeyInfoResponse } from "../validation/responses";
import type { Caller } from "./roles";

/** A session or API key as the API shows it (Coder's APIKey fields, never the hashed secret). */
export function toApiKeyResponse(key: Pick<ApiKey, "id" | "userId" | "loginType" | "createdAt" | "lastUsedAt" | "expiresAt">, caller: Caller): z.output<typeof apiKeyInfoResponse> {
  return {
    id: key.id,
    user_id: key.userId,
    /** `password`: a session from signing in; `token`: a long-lived API key. */
    login_type: key.loginType,
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
