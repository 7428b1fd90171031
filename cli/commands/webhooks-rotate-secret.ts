import { Command, Option } from "commander";
import { withExamples } from "../help";
import { printJson } from "../output";
import { loggedInClient } from "../session";
import { doing } from "../task-ref";
import { resolveWebhook } from "../webhook-ref";

export function webhooksRotateSecretCommand(): Command {
  const command = new Command("rotate-secret")
    .description("Make a new signing secret and print it ONCE; every attempt from now on is signed with it")
    .argument("<webhook>", "its id (or the start of it) or its URL")
    .addOption(new Option("-o, --output <format>", "output format").choices(["text", "json"]).default("text"))
    .action(async (ref: string, opts: { output: "text" | "json" }) => {
      const client = await loggedInClient();
      const webhook = await resolveWebhook(client, ref);
      const rotated = await doing("rotate the secret", client.rotateWebhookSecret(webhook.id));
      if (opts.output === "json") return printJson(rotated);
      console.log(`New signing secret for ${rotated.url} (shown only now):\n${rotated.secret}`);
    });
  return withExamples(command, [["Rotate and store it", "taskyard webhooks rotate-secret 3f2a91c0 -o json | jq -r .secret > secret"]]);
}
