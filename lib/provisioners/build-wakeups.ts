import "server-only";
import { EventEmitter } from "node:events";
import { rawSql } from "../db/client";
import { BUILDS_CHANNEL } from "../db/queries/workspaces";

const globalForWakeups = globalThis as unknown as { taskyardBuildWakeups?: EventEmitter };

/** One LISTEN per web process on the builds channel, fanned out to every remote claim waiting in it. */
function wakeups(): EventEmitter {
  if (globalForWakeups.taskyardBuildWakeups) return globalForWakeups.taskyardBuildWakeups;
  const emitter = new EventEmitter().setMaxListeners(0);
  globalForWakeups.taskyardBuildWakeups = emitter;
  rawSql()
    .listen(BUILDS_CHANNEL, () => emitter.emit("build"))
    .catch(() => {
      // Not listening: waiting claims fall back on their timeout; the next one tries again.
      globalForWakeups.taskyardBuildWakeups = undefined;
    });
  return emitter;
}

/**
 * Resolves when a build may have become claimable (a NOTIFY on the builds channel), after `ms`, or
 * when `signal` aborts (the provisioner hung up), whichever comes first. Never longer than a second
 * without a look: a build that becomes claimable without a notification (a lease expiring, a
 * workspace's earlier build finishing elsewhere) is still found quickly.
 */
export function waitForBuilds(ms: number, signal: AbortSignal): Promise<void> {
  const emitter = wakeups();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      emitter.off("build", done);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, Math.min(ms, 1000));
    emitter.on("build", done);
    signal.addEventListener("abort", done, { once: true });
  });
}
