import { Command } from "commander";
import { TaskyardError } from "../lib/sdk/client";
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
  "agentapi-server": () => import("./commands/agentapi-server").then((m) => ({ register: m.registerAgentApiServer })),
  "ensure-build": () => import("./commands/ensure-build").then((m) => ({ register: m.registerEnsureBuild })),
};
const CLIENT_COMMANDS = ["login", "tasks", "list", "create", "show", "logs", "send", "pause", "resume", "delete"];
const client = () => import("./commands/client").then((m) => ({ register: m.registerClient }));

const requested = process.argv[2];
const loaders = requested && requested in commands ? [commands[requested]] : CLIENT_COMMANDS.includes(requested) ? [client] : [...Object.values(commands), client];
for (const load of loaders) (await load()).register(program);

await program.parseAsync(process.argv).catch((error: unknown) => {
  const detail = error instanceof TaskyardError && error.body.validations?.map((v) => `\n  ${v.field}: ${v.detail}`).join("");
  console.error(`taskyard: ${error instanceof Error ? error.message : String(error)}${detail || ""}`);
  process.exit(1);
});
