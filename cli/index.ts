import { Command } from "commander";
import { VERSION } from "../lib/version";
import { registerAgent } from "./commands/agent";
import { registerEnsureBuild } from "./commands/ensure-build";
import { registerProvisioner } from "./commands/provisioner";
import { registerServer } from "./commands/server";

const program = new Command()
  .name("taskyard")
  .description("Taskyard: a self-hosted control plane for AI coding-agent tasks")
  .version(VERSION)
  .showHelpAfterError();

registerServer(program);
registerEnsureBuild(program);
registerAgent(program);
registerProvisioner(program);

await program.parseAsync(process.argv).catch((error: unknown) => {
  console.error(`taskyard: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
