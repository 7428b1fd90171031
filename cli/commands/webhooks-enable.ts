import { Command } from "commander";
import { withExamples } from "../help";
import { bold } from "../output";
import { loggedInClient } from "../session";
import { doing } from "../task-ref";
import { resolveWebhook } from "../webhook-ref";

/** `enable` (also after the server disabled an endpoint that kept failing) and `disable`. */
export function webhooksEnableCommand(enabled: boolean): Command {
  const verb = enabled ? "enable" : "disable";
  const command = new Command(verb)
    .description(enabled ? "Deliver to an endpoint again (one the server disabled for failing a day included: its reason is cleared)" : "Stop delivering to an endpoint; events meanwhile are not queued for it")
    .argument("<webhook>", "its id (or the start of it) or its URL")
    .action(async (ref: string) => {
      const client = await loggedInClient();
      const webhook = await resolveWebhook(client, ref);
      const updated = await doing(`${verb} the webhook`, client.updateWebhook(webhook.id, { enabled }));
      console.log(`${enabled ? "Enabled" : "Disabled"} webhook ${bold(updated.id)} (${updated.url})`);
    });
  return withExamples(command, [[`${enabled ? "Enable" : "Disable"} by the id's start`, `taskyard webhooks ${verb} 3f2a91c0`]]);
}
