import exitHook from "async-exit-hook";
import type { Command } from "commander";
import { env } from "../../lib/env";
import { logger } from "../../lib/logger";
import { resolveSystemPrograms } from "../../lib/system-programs";
import { localServerUrl, startProvisioner } from "../../lib/workspaces/start-provisioner";

export function registerProvisioner(program: Command) {
  program
    .command("provisioner")
    .description("run a standalone provisioner daemon against the same database as the server")
    .option("--url <url>", "the URL agents use to reach the Taskyard server (default: TASKYARD_ACCESS_URL or http://127.0.0.1:$PORT)")
    .option("--keep-agents", "leave running agents alone on shutdown")
    .addHelpText("after", "\nNeeds DATABASE_URL (the server's database) and TASKYARD_DATA_DIR for workspace directories.")
    .action(async (opts: { url?: string; keepAgents?: boolean }) => {
      const databaseUrl = env().DATABASE_URL;
      resolveSystemPrograms(); // git, bwrap, setpriv, sh: from the system's directories, once
      if (!databaseUrl) throw new Error("set DATABASE_URL to the Taskyard server's database");
      const running = await startProvisioner(databaseUrl, (opts.url ?? localServerUrl()).replace(/\/+$/, ""));
      console.log(`provisioner ${running.provisioner.id} is waiting for builds (Ctrl+C to stop)`);
      exitHook((done) => {
        running.stop({ stopAgents: !opts.keepAgents }).catch((err) => logger.error({ err }, "shutdown failed")).finally(done);
      });
    });
}
