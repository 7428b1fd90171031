import { Command } from "commander";
import { withExamples } from "../help";
import { bold } from "../output";
import { loggedInClient } from "../session";
import { doing } from "../task-ref";
import { resolveWebhook } from "../webhook-ref";

export function webhooksRemoveCommand(): Command {
  const command = new Command("remove")
    .alias("rm")
    .description("Remove a webhook endpoint and its delivery log")
    .argument("<webhook>", "its id (or the start of it, as `list` shows) or its URL")
    .action(async (ref: string) => {
      const client = await loggedInClient();
      const webhook = await resolveWebhook(client, ref);
      await doing("remove the webhook", client.deleteWebhook(webhook.id));
      console.log(`Removed webhook ${bold(webhook.id)} (${webhook.url})`);
    });
  return withExamples(command, [["By the id's start", "taskyard webhooks remove 3f2a91c0"]]);
}
