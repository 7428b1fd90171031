import { Command } from "commander";
import { VERSION } from "../lib/version";

/**
 * Each command's module is imported only when it runs: `taskyard agent` is spawned for every
 * workspace start, and must not pay for loading the server, the database driver and the build.
 */
const program = new Command()
  .name("taskyard")
  .description("Taskyard: a self-hosted control plane for AI coding-agent tasks")
  .version(VERSION)
  .showHelpAfterError()
  .enablePositionalOptions();

const commands: Record<string, () => Promise<{ register: (program: Command) => void }>> = {
  server: () => import("./commands/server").then((m) => ({ register: m.registerServer })),
  provisioner: () => import("./commands/provisioner").then((m) => ({ register: m.registerProvisioner })),
  agent: () => import("./commands/agent").then((m) => ({ register: m.registerAgent })),
  "ensure-build": () => import("./commands/ensure-build").then((m) => ({ register: m.registerEnsureBuild })),
};

const requested = process.argv[2];
const toLoad = requested && requested in commands ? [requested] : Object.keys(commands);
for (const name of toLoad) (await commands[name]()).register(program);

await program.parseAsync(process.argv).catch((error: unknown) => {
  console.error(`taskyard: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
