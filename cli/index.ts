import { Command, CommanderError } from "commander";
import { VERSION } from "../lib/version";
import { describeError, UsageError } from "./errors";
import { rewriteLegacyCommand } from "./legacy";
import { red } from "./output";

/**
 * Each command's module is imported only when it runs: `taskyard agent` is spawned for every
 * workspace start, and must not pay for loading the server, the database driver and the build.
 * Exit codes: 0 ok, 1 a failure (one line on stderr: the server's message and detail), 2 bad usage.
 */
const program = new Command()
  .name("taskyard")
  .description("Taskyard: a self-hosted control plane for AI coding-agent tasks")
  .version(VERSION)
  .showHelpAfterError("(add --help for usage)")
  .enablePositionalOptions()
  .option("--ca <file>", "check the server's https certificate against this CA (PEM) instead of the system's CAs (or TASKYARD_CA_FILE)")
  .exitOverride((error: CommanderError) => process.exit(error.exitCode === 0 ? 0 : 2));

type Register = (program: Command) => void;
const serverSide: Record<string, () => Promise<Register>> = {
  server: () => import("./commands/server").then((m) => m.registerServer),
  provisioner: () => import("./commands/provisioner").then((m) => m.registerProvisioner),
  agent: () => import("./commands/agent").then((m) => m.registerAgent),
  "agentapi-server": () => import("./commands/agentapi-server").then((m) => m.registerAgentApiServer),
  "workspace-runtime": () => import("./commands/workspace-runtime").then((m) => m.registerWorkspaceRuntime),
  "ensure-build": () => import("./commands/ensure-build").then((m) => m.registerEnsureBuild),
  "secret-key": () => import("./commands/secret-key").then((m) => m.registerSecretKey),
};
const clientSide: () => Promise<Register[]> = async () => [
  (await import("./commands/task")).registerTask,
  (await import("./commands/login")).registerLogin,
  (await import("./commands/logout")).registerLogout,
  (await import("./commands/whoami")).registerWhoami,
  (await import("./commands/providers")).registerProviders,
  (await import("./commands/git-credentials")).registerGitCredentials,
  (await import("./commands/webhooks")).registerWebhooks,
  (await import("./commands/templates")).registerTemplates,
  (await import("./commands/usage")).registerUsage,
  (await import("./commands/users")).registerUsers,
  (await import("./commands/keys")).registerKeys,
  (await import("./commands/provisioners")).registerProvisioners,
];

const args = rewriteLegacyCommand(process.argv.slice(2));
const requested = args[0];
function fail(error: unknown): never {
  console.error(`${red("taskyard:", process.stderr)} ${describeError(error)}${error instanceof UsageError ? " (add --help for usage)" : ""}`);
  process.exit(error instanceof UsageError ? 2 : 1);
}

const everything = async () => [...(await Promise.all(Object.values(serverSide).map((load) => load()))), ...(await clientSide())];
const load = requested in serverSide
  ? async () => [await serverSide[requested]()]
  : ["task", "tasks", "login", "logout", "whoami", "providers", "provider", "git-credentials", "git-credential", "webhooks", "webhook", "templates", "template", "usage", "users", "user", "keys", "key", "provisioners"].includes(requested) ? clientSide : everything;
// Loading a command can fail too: the server's modules read and validate the environment.
const registers = await load().catch(fail);
for (const register of registers) register(program);
program.hook("preAction", async () => {
  const { ca } = program.opts<{ ca?: string }>();
  if (ca) (await import("./session")).useCaFile(ca);
});

await program.parseAsync(args, { from: "user" }).catch(fail);
