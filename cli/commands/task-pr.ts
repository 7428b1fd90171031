import { Command, Option } from "commander";
import { withExamples } from "../help";
import { bold, printJson } from "../output";
import { progress } from "../progress";
import { loggedInClient } from "../session";
import { display, doing, resolveTask, taskPath } from "../task-ref";

type Options = { title?: string; body?: string; draft?: boolean; output: "text" | "json" };

export function taskPrCommand(): Command {
  const command = new Command("pr")
    .alias("pull-request")
    .description(
      "Open a pull (merge) request for a task's branch on its forge (GitHub or GitLab), pushing the branch first. " +
        "Asked again, it answers the pull request already open. The title defaults to the task's display name, the body to a summary Taskyard writes.",
    )
    .argument("<task>", "task id, name, or owner/name")
    .option("--title <title>", "the pull request's title (default: the task's display name)")
    .option("--body <text>", "the pull request's description (default: a summary of the task: prompt, last message, files changed, cost)")
    .option("--draft", "open it as a draft")
    .addOption(new Option("-o, --output <format>", "output format").choices(["text", "json"]).default("text"))
    .action(async (ref: string, opts: Options) => {
      const client = await loggedInClient();
      const task = await resolveTask(client, ref);
      const spinner = progress(`Pushing ${display(task)} and opening a pull request…`);
      const pr = await doing(
        "create the pull request",
        client.pullRequest(...taskPath(task.id), { title: opts.title, body: opts.body, draft: opts.draft }),
      ).finally(() => spinner.stop());
      if (opts.output === "json") return printJson(pr);
      console.log(pr.url);
      console.log(`${bold(`#${pr.number}`)} · ${pr.draft && pr.state === "open" ? "draft" : pr.state}`);
    });
  return withExamples(command, [
    ["Open a pull request for a task", "taskyard task pr fix-login-bug"],
    ["A draft, with your own title and description", 'taskyard task pr fix-login-bug --draft --title "Fix the login redirect" --body "Closes #42"'],
    ["Read its URL from the JSON answer", "taskyard task pr alice/fix-login-bug -o json | jq -r .url"],
  ]);
}
