import { Command } from "commander";
import { withExamples } from "../help";
import { bold } from "../output";
import { loggedInClient } from "../session";
import { doing } from "../task-ref";
import { resolveWebhook } from "../webhook-ref";

export function webhooksTestCommand(): Command {
  const command = new Command("test")
    .description("Send a signed `webhook.test` delivery through the outbox like any event; see how it went with `deliveries`")
    .argument("<webhook>", "its id (or the start of it) or its URL")
    .action(async (ref: string) => {
      const client = await loggedInClient();
      const webhook = await resolveWebhook(client, ref);
      await doing("queue a test delivery", client.testWebhook(webhook.id));
      console.log(`Queued a test delivery to ${bold(webhook.url)}; \`taskyard webhooks deliveries ${webhook.id.slice(0, 8)}\` shows how it went`);
    });
  return withExamples(command, [["Test, then look", "taskyard webhooks test 3f2a91c0 && sleep 1 && taskyard webhooks deliveries 3f2a91c0"]]);
}
