import "server-only";
import { rawSql } from "../db/client";
import { logger } from "../logger";
import type { Caller } from "./roles";

/** The channel drizzle/0006_auth_change_notify.sql notifies when a key or a user changes. */
const CHANNEL = "auth_changes";
/**
 * How long a caller is remembered. Every use first reads `auth_version` (lib/auth/sessions.ts), so
 * a change made through any web server is seen at once; notifications only drop entries early.
 */
export const CALLER_CACHE_TTL_MS = 5_000;
const MAX_ENTRIES = 10_000;

/** `authVersion`: what `auth_version` read just before the key was looked up (lib/auth/sessions.ts checks it on every use). */
export type CachedKey = { caller: Caller; hashedSecret: string; expiresAt: number; active: boolean; lastUsedAt: number; userSeenAt: number; authVersion: number };
type Entry = CachedKey & { until: number };

type State = {
  entries: Map<string, Entry>;
  /** Bumped by every invalidation: a lookup that started before one must not be remembered. */
  generation: number;
  /** Entries are used only while notifications are known to arrive. */
  listening: boolean;
  started: boolean;
};

// One per web process (the route bundles may each load this module; they share the cache).
const globalForCache = globalThis as unknown as { taskyardCallerCache?: State };
const state = (globalForCache.taskyardCallerCache ??= { entries: new Map(), generation: 0, listening: false, started: false });

function invalidate(change: { k?: string; u?: string } | "all") {
  state.generation++;
  if (change === "all") return state.entries.clear();
  if (change.k) state.entries.delete(change.k);
  if (change.u) for (const [id, e] of state.entries) if (e.caller.id === change.u) state.entries.delete(id);
}

function listen() {
  if (state.started) return;
  state.started = true;
  rawSql()
    .listen(
      CHANNEL,
      (payload) => {
        try {
          invalidate(JSON.parse(payload) as { k?: string; u?: string });
        } catch {
          invalidate("all");
        }
      },
      // Called on every (re)connect: whatever happened while not listening is unknown.
      () => {
        invalidate("all");
        state.listening = true;
      },
    )
    .catch((err: unknown) => {
      logger.warn({ err: err instanceof Error ? err.message : String(err) }, "cannot listen for key and user changes; not caching callers");
      state.listening = false;
      state.started = false;
      invalidate("all");
    });
}

/** A token id's entry if it is fresh and notifications are flowing; the caller still checks secret and expiry. */
export function cachedKey(keyId: string): CachedKey | undefined {
  listen();
  if (!state.listening) return undefined;
  const entry = state.entries.get(keyId);
  if (!entry) return undefined;
  if (entry.until < Date.now()) {
    state.entries.delete(keyId);
    return undefined;
  }
  return entry;
}

/** Taken before reading a key from the database, handed back to `rememberKey`. */
export function cacheGeneration(): number {
  return state.generation;
}

/** Keeps what the database said, unless anything was invalidated since `generation` was taken. */
export function rememberKey(keyId: string, value: CachedKey, generation: number) {
  if (!state.listening || generation !== state.generation) return;
  if (state.entries.size >= MAX_ENTRIES) state.entries.delete(state.entries.keys().next().value!);
  state.entries.set(keyId, { ...value, until: Date.now() + CALLER_CACHE_TTL_MS });
}

/** This process revoked a key: forget it now, before the notification comes back. */
export function forgetKey(keyId: string) {
  invalidate({ k: keyId });
}

/** This process changed a user's role or status: forget their callers now, before the notification comes back. */
export function forgetUser(userId: string) {
  invalidate({ u: userId });
}
