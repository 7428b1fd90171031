import { Command } from "commander";
import { withExamples } from "../help";
import { gitCredentialsAddCommand } from "./git-credentials-add";
import { gitCredentialsListCommand } from "./git-credentials-list";
import { gitCredentialsRemoveCommand } from "./git-credentials-remove";

/** `taskyard git-credentials …`: your tokens for the configured git providers (never shown again). */
export function registerGitCredentials(program: Command) {
  const credentials = program.command("git-credentials").alias("git-credential").description("Your git tokens for the configured providers: clones (and later pushes) of your tasks use them");
  for (const sub of [gitCredentialsListCommand, gitCredentialsAddCommand, gitCredentialsRemoveCommand]) credentials.addCommand(sub().copyInheritedSettings(credentials));
  withExamples(credentials, [["Add a token, typed at the prompt", "taskyard git-credentials add github.com"]]);
}
