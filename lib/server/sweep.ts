import { describeDatabaseError, isDatabaseUnreachable } from "../db/health";
import { logger } from "../logger";

export type Sweep = { stop: () => Promise<void> };

/**
 * A server-side sweep: `round` every `everyMs`, never two rounds at once. A failed round is logged;
 * a lost database is said once when it goes and once when it is back, never per round (and never
 * with the query). Every web server may run the same sweep, so a round must be safe to run on
 * several servers at once (one statement, or claims that exclude each other).
 */
export function startSweep(what: string, everyMs: number, round: () => Promise<void>): Sweep {
  if (everyMs <= 0) return { stop: async () => {} };
  let running: Promise<void> | undefined;
  let databaseLost = false;
  const timer = setInterval(() => {
    if (running) return;
    running = round()
      .then(() => {
        if (databaseLost) logger.info(`the database is reachable again; ${what} goes on`);
        databaseLost = false;
      })
      .catch((err: unknown) => {
        if (!isDatabaseUnreachable(err)) return logger.warn(describeDatabaseError(err), `${what} failed`);
        if (!databaseLost) logger.error(describeDatabaseError(err), `the database is unreachable; ${what} waits until it is back`);
        databaseLost = true;
      })
      .finally(() => (running = undefined));
  }, everyMs);
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}
