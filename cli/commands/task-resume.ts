import { Command } from "commander";
import { withExamples } from "../help";
import { bold } from "../output";
import { waitForTask } from "../progress";
import { withPrompter } from "../prompt";
import { loggedInClient } from "../session";
import { display, doing, resolveTask } from "../task-ref";

export function taskResumeCommand(): Command {
  const command = new Command("resume")
    .description("Resume a paused task")
    .argument("<task>", "task id, name, or owner/name")
    .option("-y, --yes", "do not ask for confirmation")
    .option("--no-wait", "return as soon as the resume has started")
    .action(async (ref: string, opts: { yes?: boolean; wait: boolean }) => {
      const client = await loggedInClient();
      const task = await resolveTask(client, ref);
      const name = display(task);
      if (task.status === "error" && !task.has_started) {
        throw new Error(`task "${name}" failed before its agent started${task.current_state?.message ? ` (${task.current_state.message})` : ""}; correct it and retry with \`taskyard task edit ${name} --repo <url> --ref <ref> --retry\``);
      }
      if (task.status === "error" || task.status === "unknown") {
        throw new Error(`task "${name}" is in ${task.status} state and cannot be resumed; check its status message and logs for details`);
      }
      if (task.status !== "paused") throw new Error(`task "${name}" cannot be resumed (current status: ${task.status})`);
      await withPrompter((p) => p.confirm(`Resume task ${bold(name, process.stderr)}?`, opts.yes));
      await doing(`resume task "${name}"`, client.resume(task.owner_name, task.id));
      if (!opts.wait) return console.log(`Resuming task ${bold(name)} in the background.`);
      await waitForTask(client, task, {
        label: `Resuming ${name}`,
        until: (t) => t.status === "active",
        failure: (t) => (t.status === "error" ? `task "${name}" failed to resume${t.current_state?.message ? `: ${t.current_state.message}` : ""}` : undefined),
      });
      console.log(`The ${bold(name)} task has been resumed.`);
    });
  return withExamples(command, [
    ["Resume a task", "taskyard task resume my-task"],
    ["Resume another user's task", "taskyard task resume alice/my-task"],
    ["Resume without confirmation, and without waiting", "taskyard task resume my-task --yes --no-wait"],
  ]);
}
