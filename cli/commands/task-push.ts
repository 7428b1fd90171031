import { Command, Option } from "commander";
import { withExamples } from "../help";
import { bold, printJson } from "../output";
import { progress } from "../progress";
import { loggedInClient } from "../session";
import { display, doing, resolveTask, taskPath } from "../task-ref";

type Options = { output: "text" | "json" };

export function taskPushCommand(): Command {
  const command = new Command("push")
    .description(
      "Push a task's branch (taskyard/<name>) to its repository's origin with your git credential for that host, " +
        "committing whatever the agent left uncommitted first (the task's display name as the message). Works while the task runs and while it is paused.",
    )
    .argument("<task>", "task id, name, or owner/name")
    .addOption(new Option("-o, --output <format>", "output format").choices(["text", "json"]).default("text"))
    .action(async (ref: string, opts: Options) => {
      const client = await loggedInClient();
      const task = await resolveTask(client, ref);
      const spinner = progress(`Pushing ${display(task)}…`);
      const pushed = await doing("push the task's branch", client.push(...taskPath(task.id))).finally(() => spinner.stop());
      if (opts.output === "json") return printJson(pushed);
      console.log(`Pushed ${bold(pushed.head_commit.slice(0, 7))} to ${bold(pushed.branch)} on ${pushed.remote}`);
    });
  return withExamples(command, [
    ["Push what a task did to its repository", "taskyard task push fix-login-bug"],
    ["Push, and read the pushed commit from the JSON answer", "taskyard task push alice/fix-login-bug -o json | jq -r .head_commit"],
  ]);
}
