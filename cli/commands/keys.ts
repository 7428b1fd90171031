import { Command } from "commander";
import { withExamples } from "../help";
import { keysCreateCommand } from "./keys-create";
import { keysListCommand } from "./keys-list";
import { keysRevokeCommand } from "./keys-revoke";

/** `taskyard keys …`: your API keys and sessions (the API's `/users/me/keys`). */
export function registerKeys(program: Command) {
  const keys = program.command("keys").alias("key").description("Your API keys (for scripts and CI) and sessions: list, create, revoke");
  for (const sub of [keysListCommand, keysCreateCommand, keysRevokeCommand]) keys.addCommand(sub().copyInheritedSettings(keys));
  withExamples(keys, [
    ["A key for CI, valid 90 days", "taskyard keys create --name ci --expires 90d"],
    ["Revoke it", "taskyard keys revoke ci"],
  ]);
}
