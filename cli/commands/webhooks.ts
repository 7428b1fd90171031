import { Command } from "commander";
import { withExamples } from "../help";
import { webhooksAddCommand } from "./webhooks-add";
import { webhooksDeliveriesCommand } from "./webhooks-deliveries";
import { webhooksEnableCommand } from "./webhooks-enable";
import { webhooksListCommand } from "./webhooks-list";
import { webhooksRemoveCommand } from "./webhooks-remove";
import { webhooksRotateSecretCommand } from "./webhooks-rotate-secret";
import { webhooksTestCommand } from "./webhooks-test";

/** `taskyard webhooks …`: your endpoints for your tasks' events, signed per Standard Webhooks. */
export function registerWebhooks(program: Command) {
  const webhooks = program
    .command("webhooks")
    .alias("webhook")
    .description("Your webhook endpoints: signed POSTs (Standard Webhooks) when your tasks go idle, complete, fail… — see the README's Webhooks section");
  const subs = [webhooksListCommand, webhooksAddCommand, webhooksRemoveCommand, webhooksTestCommand, webhooksDeliveriesCommand, webhooksRotateSecretCommand, () => webhooksEnableCommand(true), () => webhooksEnableCommand(false)];
  for (const sub of subs) webhooks.addCommand(sub().copyInheritedSettings(webhooks));
  withExamples(webhooks, [
    ["Hear when a task waits for you or is done", "taskyard webhooks add https://example.com/hooks/taskyard --events task.idle,task.complete,task.failed"],
    ["Post to a Slack or Mattermost channel", "taskyard webhooks add https://hooks.slack.com/services/… --events task.idle --format slack"],
    ["See what was sent and how it went", "taskyard webhooks deliveries 3f2a"],
  ]);
}
