import { Command } from "commander";
import { withExamples } from "../help";
import { providersAddCommand } from "./providers-add";
import { providersListCommand } from "./providers-list";
import { providersRemoveCommand } from "./providers-remove";
import { providersSetCommand } from "./providers-set";

/** `taskyard providers …`: the git forges the owner configures (the hosts git credentials are for). */
export function registerProviders(program: Command) {
  const providers = program.command("providers").alias("provider").description("Git providers (forges) git credentials may be for; the owner adds and removes them");
  for (const sub of [providersListCommand, providersAddCommand, providersSetCommand, providersRemoveCommand]) providers.addCommand(sub().copyInheritedSettings(providers));
  withExamples(providers, [
    ["Add GitHub", "taskyard providers add github github.com"],
    ["Add a self-managed GitLab", "taskyard providers add gitlab gitlab.example.com"],
  ]);
}
