import type { Command } from "commander";
import { ensureBuild } from "../../lib/server/build";

export function registerEnsureBuild(program: Command) {
  program
    .command("ensure-build")
    .description("run `next build` if the web app's sources changed since the last build")
    .option("--force", "build even if nothing changed")
    .action(async (opts: { force?: boolean }) => ensureBuild({ force: opts.force }));
}
