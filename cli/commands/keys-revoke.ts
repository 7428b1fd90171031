import { Command } from "commander";
import { withExamples } from "../help";
import { bold } from "../output";
import { loggedInClient } from "../session";
import { doing } from "../task-ref";

export function keysRevokeCommand(): Command {
  const command = new Command("revoke")
    .alias("rm")
    .description("Revoke one of your API keys or sessions at once")
    .argument("<key>", "its id (as `list` shows) or its name")
    .action(async (ref: string) => {
      const client = await loggedInClient();
      const keys = await doing("list keys", client.apiKeys());
      const key = keys.find((k) => k.id === ref) ?? keys.find((k) => k.token_name && k.token_name.toLowerCase() === ref.toLowerCase());
      if (!key) throw new Error(`no key "${ref}" (see \`taskyard keys list\`)`);
      await doing("revoke the key", client.revokeApiKey(key.id));
      console.log(`Revoked ${key.login_type === "token" ? "API key" : "session"} ${bold(key.id)}${key.token_name ? ` (${key.token_name})` : ""}`);
    });
  return withExamples(command, [["By name", "taskyard keys revoke ci"]]);
}
