import { Command } from "commander";
import type { Task } from "../../lib/sdk/client";
import { withExamples } from "../help";
import { bold, timestamp } from "../output";
import { withPrompter } from "../prompt";
import { loggedInClient } from "../session";
import { display, doing, resolveTask } from "../task-ref";

export function taskDeleteCommand(): Command {
  const command = new Command("delete")
    .alias("rm")
    .description("Delete tasks and their workspaces")
    .argument("<task...>", "task ids, names, or owner/name")
    .option("-y, --yes", "do not ask for confirmation")
    .action(async (refs: string[], opts: { yes?: boolean }) => {
      const client = await loggedInClient();
      // All of them are found before any is deleted: a typo deletes nothing.
      const tasks: Task[] = [];
      for (const ref of refs) tasks.push(await resolveTask(client, ref));
      await withPrompter((p) => p.confirm(`Delete these tasks: ${bold(tasks.map(display).join(", "), process.stderr)}?`, opts.yes));
      for (const task of tasks) {
        await doing(`delete task "${display(task)}"`, client.deleteTask(task.owner_name, task.id));
        console.log(`Deleted task ${bold(display(task))} at ${timestamp()}`);
      }
    });
  return withExamples(command, [
    ["Delete a task", "taskyard task delete task1"],
    ["Delete several tasks without confirmation", "taskyard task delete task1 task2 alice/task3 --yes"],
  ]);
}
