import { Command } from "commander";
import { withExamples } from "../help";
import { bold, timestamp } from "../output";
import { waitForTask } from "../progress";
import { withPrompter } from "../prompt";
import { loggedInClient } from "../session";
import { display, doing, resolveTask } from "../task-ref";

export function taskPauseCommand(): Command {
  const command = new Command("pause")
    .description("Pause a task: its workspace stops, its conversation is kept")
    .argument("<task>", "task id, name, or owner/name")
    .option("-y, --yes", "do not ask for confirmation")
    .option("--no-wait", "return as soon as the pause has started")
    .action(async (ref: string, opts: { yes?: boolean; wait: boolean }) => {
      const client = await loggedInClient();
      const task = await resolveTask(client, ref);
      const name = display(task);
      await withPrompter((p) => p.confirm(`Pause task ${bold(name, process.stderr)}?`, opts.yes));
      await doing(`pause task "${name}"`, client.pause(task.owner_name, task.id));
      if (!opts.wait) return console.log(`Pausing task ${bold(name)} in the background.`);
      await waitForTask(client, task, {
        label: `Pausing ${name}`,
        until: (t) => t.status === "paused",
        failure: (t) => (t.status === "error" ? `task "${name}" failed while pausing${t.current_state?.message ? `: ${t.current_state.message}` : ""}` : undefined),
      });
      console.log(`The ${bold(name)} task has been paused at ${timestamp()}!`);
    });
  return withExamples(command, [
    ["Pause a task", "taskyard task pause my-task"],
    ["Pause a task without confirmation, and without waiting", "taskyard task pause my-task --yes --no-wait"],
  ]);
}
