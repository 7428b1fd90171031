import { Command } from "commander";
import { withExamples } from "../help";
import { taskCreateCommand } from "./task-create";
import { taskDeleteCommand } from "./task-delete";
import { taskDiffCommand } from "./task-diff";
import { taskListCommand } from "./task-list";
import { taskLogsCommand } from "./task-logs";
import { taskPauseCommand } from "./task-pause";
import { taskPrCommand } from "./task-pr";
import { taskPushCommand } from "./task-push";
import { taskResumeCommand } from "./task-resume";
import { taskSendCommand } from "./task-send";
import { taskStatusCommand } from "./task-status";
import { taskStopCommand } from "./task-stop";

/** `taskyard task …`: Coder's `coder task` subcommands, flags and defaults. */
export function registerTask(program: Command) {
  const task = program.command("task").alias("tasks").description("Create, inspect and drive tasks (as `coder task` does)");
  for (const sub of [taskCreateCommand, taskListCommand, taskStatusCommand, taskLogsCommand, taskSendCommand, taskStopCommand, taskDiffCommand, taskPushCommand, taskPrCommand, taskPauseCommand, taskResumeCommand, taskDeleteCommand]) {
    // addCommand, unlike command(), does not pass down the exit and help-after-error settings.
    task.addCommand(sub().copyInheritedSettings(task));
  }
  withExamples(task, [
    ["Create a task and follow its logs", 'id=$(taskyard task create --template echo -q "Tidy the changelog") && taskyard task logs "$id" --follow'],
    ["List your tasks", "taskyard task list"],
  ]);
}
