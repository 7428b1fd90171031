import "server-only";
import type { DbOrTx } from "../db/client";
import { sweepWaitingBuilds } from "../db/queries/provisioners";
import { startSweep, type Sweep } from "../server/sweep";
import { provisionerStaleMs } from "./registry";

/** A start is given this long to be claimed before the task says nobody can take it. */
export const WAITING_AFTER_MS = 5_000;
/** A provisioner row not seen for a week is forgotten (a host retired, renamed). */
const PRUNE_AFTER_MS = 7 * 86_400_000;

/**
 * The server's sweep behind the waiting message (./waiting-message.ts): every `everyMs`, one statement marks the pending start
 * builds no live provisioner can take, and unmarks those one now can (lib/db/queries/provisioners.ts
 * `sweepWaitingBuilds`). The task query reads the mark with the build it already joins, so list and
 * get pay nothing for it. Safe to run on every web server at once: it is one idempotent UPDATE.
 */
export function startWaitingSweep(db: DbOrTx, everyMs = 2000): Sweep {
  return startSweep("the waiting-builds sweep", everyMs, async () => {
    await sweepWaitingBuilds(db, { afterMs: WAITING_AFTER_MS, staleMs: provisionerStaleMs(), pruneAfterMs: PRUNE_AFTER_MS });
  });
}
