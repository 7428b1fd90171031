import { Command, Option } from "commander";
import { withExamples } from "../help";
import { bold, printJson } from "../output";
import { withPrompter } from "../prompt";
import { loggedInClient } from "../session";
import { doing } from "../task-ref";

type Options = { username?: string; output: "text" | "json" };

export function gitCredentialsAddCommand(): Command {
  const command = new Command("add")
    .description("Store your token for a configured provider's host (the forge is asked whose it is); the token is read from the prompt or one line of stdin, never from the command line")
    .argument("<host>", "a configured provider's host (see `taskyard providers list`)")
    .option("--username <name>", "for a generic provider: the user name git signs in with (default: git)")
    .addOption(new Option("-o, --output <format>", "output format").choices(["text", "json"]).default("text"))
    .action(async (host: string, opts: Options) => {
      const client = await loggedInClient();
      // Never argv: it would show in `ps` and shell history.
      const token = (await withPrompter((p) => p.secret(`Token for ${host}: `))).trim();
      const credential = await doing("store the git credential", client.createGitCredential({ host, token, username: opts.username }));
      if (opts.output === "json") return printJson(credential);
      console.log(`Stored your ${credential.provider_kind} token …${credential.token_last4} for ${bold(credential.host)} as ${bold(credential.login)}${credential.scopes?.length ? ` (scopes: ${credential.scopes.join(", ")})` : ""}`);
    });
  return withExamples(command, [
    ["Type the token at the prompt (not echoed)", "taskyard git-credentials add github.com"],
    ["From a password manager", "pass show github/token | taskyard git-credentials add github.com"],
  ]);
}
