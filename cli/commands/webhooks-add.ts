import { Command, Option } from "commander";
import { withExamples } from "../help";
import { bold, printJson } from "../output";
import { loggedInClient } from "../session";
import { doing } from "../task-ref";
import { TASK_EVENT_TYPES, type TaskEventType } from "../../lib/validation/task-events";
import { WEBHOOK_FORMATS } from "../../lib/validation/webhooks";

type Options = { events: string[]; format: "json" | "slack"; allTasks?: boolean; output: "text" | "json" };

const collectEvents = (value: string, previous: string[] = []) => [...previous, ...value.split(",").map((e) => e.trim()).filter(Boolean)];

export function webhooksAddCommand(): Command {
  const command = new Command("add")
    .description("Register an endpoint; prints its signing secret ONCE (store it where your receiver verifies signatures)")
    .argument("<url>", "where to POST: http(s), reachable from the server (private addresses only if the server sets TASKYARD_WEBHOOK_ALLOW_PRIVATE=1)")
    .requiredOption("--events <list>", `comma-separated, any of: ${TASK_EVENT_TYPES.join(", ")} (or "all")`, collectEvents)
    .addOption(new Option("--format <format>", "json: {type, timestamp, data: <task>}; slack: a Slack/Mattermost {text} message").choices([...WEBHOOK_FORMATS]).default("json"))
    .option("--all-tasks", "every task's events, not only yours (owner and admins)")
    .addOption(new Option("-o, --output <format>", "output format").choices(["text", "json"]).default("text"))
    .action(async (url: string, opts: Options) => {
      const events = (opts.events.includes("all") ? [...TASK_EVENT_TYPES] : opts.events) as TaskEventType[];
      const client = await loggedInClient();
      const webhook = await doing("add the webhook", client.createWebhook({ url, events, format: opts.format, all_tasks: opts.allTasks ?? false }));
      if (opts.output === "json") return printJson(webhook);
      console.log(`Added webhook ${bold(webhook.id)} → ${webhook.url} (${webhook.events.join(", ")}; ${webhook.format})`);
      console.log(`Signing secret (shown only now; \`taskyard webhooks rotate-secret\` makes a new one):\n${webhook.secret}`);
    });
  return withExamples(command, [
    ["Idle and finished tasks, as JSON", "taskyard webhooks add https://example.com/hooks/taskyard --events task.idle,task.complete,task.failed"],
    ["A Slack channel", "taskyard webhooks add https://hooks.slack.com/services/T0/B0/xyz --events task.idle,task.pull_request --format slack"],
    ["Every event of every task (owner)", "taskyard webhooks add https://ops.example.com/taskyard --events all --all-tasks"],
  ]);
}
