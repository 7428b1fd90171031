import { Command } from "commander";
import { TaskyardError } from "../../lib/sdk/client";
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
    .option("-f, --force", "if the agent is working, interrupt its turn (keeping what it wrote so far) and pause")
    .action(async (ref: string, opts: { yes?: boolean; wait: boolean; force?: boolean }) => {
      const client = await loggedInClient();
      const task = await resolveTask(client, ref);
      const name = display(task);
      await withPrompter((p) => p.confirm(`Pause task ${bold(name, process.stderr)}?`, opts.yes));
      await doing(
        `pause task "${name}"`,
        client.pause(task.owner_name, task.id, { force: opts.force }).catch((error: unknown) => {
          // The server refuses to cut a turn short unasked: say how to ask.
          if (error instanceof TaskyardError && error.status === 409 && /working/.test(error.message)) {
            throw new Error(`its agent is working, and pausing now would cut its turn short. Run again with --force to interrupt the turn and pause, or \`taskyard task stop ${ref}\` to only stop the turn`);
          }
          throw error;
        }),
      );
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
    ["Pause a task whose agent is working, interrupting its turn", "taskyard task pause my-task --force"],
  ]);
}
