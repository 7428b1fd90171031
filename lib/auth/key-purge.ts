import type { Db } from "../db/client";
import { purgeExpiredApiKeys } from "../db/queries/users";
import { logger } from "../logger";

export const PURGE_EVERY_MS = 24 * 60 * 60 * 1000;

/** Runs `purge` now and then every `everyMs`, without keeping the process alive; returns a stop. */
export function schedulePurge(purge: () => Promise<unknown>, everyMs = PURGE_EVERY_MS): () => void {
  const run = () => void purge().catch((err) => logger.warn({ err }, "purging expired API keys failed"));
  run();
  const timer = setInterval(run, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}

const globalForPurge = globalThis as unknown as { taskyardKeyPurge?: () => void };

/** Expired sessions and keys are deleted once a day by the web process, starting with its first sign-in or request. */
export function ensureExpiredKeyPurge(db: Db) {
  globalForPurge.taskyardKeyPurge ??= schedulePurge(() => purgeExpiredApiKeys(db));
}
