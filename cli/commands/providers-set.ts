import { Command, Option } from "commander";
import { withExamples } from "../help";
import { bold, printJson } from "../output";
import { withPrompter } from "../prompt";
import { loggedInClient } from "../session";
import { doing } from "../task-ref";

type Options = { webhookSecret?: boolean; issueLabel?: string; issueTemplate?: string; output: "text" | "json" };

/** `taskyard providers set`: a provider's inbound webhook (GitHub issues → tasks) — its secret, label and template. */
export function providersSetCommand(): Command {
  const command = new Command("set")
    .description("Change a git provider's webhook secret (GitHub issues → tasks), the issue label and the issue template (owner only); the secret is read from the prompt or one line of stdin, never from the command line")
    .argument("<provider>", "its id or host")
    .option("--webhook-secret", "set a new webhook secret (asked for)")
    .option("--no-webhook-secret", "remove the webhook secret: no more inbound deliveries")
    .option("--issue-label <label>", "the label that makes an issue a task (default: taskyard)")
    .option("--issue-template <name>", "the template issue tasks use, by name (`default`: the built-in claude)")
    .addOption(new Option("-o, --output <format>", "output format").choices(["text", "json"]).default("text"))
    .action(async (ref: string, opts: Options) => {
      const client = await loggedInClient();
      const providers = await doing("list git providers", client.gitProviders());
      const provider = providers.find((p) => p.id === ref || p.host === ref.toLowerCase());
      if (!provider) throw new Error(`no git provider "${ref}" (see \`taskyard providers list\`)`);
      let issueTemplateId: string | null | undefined;
      if (opts.issueTemplate === "default") issueTemplateId = null;
      else if (opts.issueTemplate) {
        const template = (await doing("list templates", client.templates())).find((t) => t.name === opts.issueTemplate);
        if (!template) throw new Error(`no template "${opts.issueTemplate}"`);
        issueTemplateId = template.id;
      }
      // Never argv: it would show in `ps` and shell history. Commander sets `webhookSecret` only when a flag was given.
      const webhookSecret = opts.webhookSecret === true ? (await withPrompter((p) => p.secret(`Webhook secret for ${provider.host}: `))).trim() : opts.webhookSecret === false ? null : undefined;
      const updated = await doing(
        "change the git provider",
        client.updateGitProvider(provider.id, { webhook_secret: webhookSecret, issue_label: opts.issueLabel, issue_template_id: issueTemplateId }),
      );
      if (opts.output === "json") return printJson(updated);
      const inbound = updated.webhook_secret_set ? `issues labelled ${bold(updated.issue_label)} or commented /taskyard become tasks` : "no webhook secret: inbound deliveries are refused";
      console.log(`${bold(updated.host)}: ${inbound}`);
    });
  return withExamples(command, [
    ["Turn GitHub issues → tasks on", "openssl rand -hex 32 | tee /dev/stderr | taskyard providers set github.com --webhook-secret"],
    ["Another label and template", "taskyard providers set github.com --issue-label ai --issue-template claude"],
    ["Turn it off", "taskyard providers set github.com --no-webhook-secret"],
  ]);
}
