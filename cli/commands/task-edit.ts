import { Command } from "commander";
import { withExamples } from "../help";
import { bold } from "../output";
import { waitForTask } from "../progress";
import { loggedInClient } from "../session";
import { UsageError } from "../errors";
import { display, doing, resolveTask } from "../task-ref";

/**
 * `taskyard task edit`: corrects a task whose first start failed (a repository that would not
 * clone, a missing ref) — its repository and prompt — and with `--retry` starts it again. The
 * server refuses a retry that would fail the same way, with the reason, before starting anything.
 */
export function taskEditCommand(): Command {
  const command = new Command("edit")
    .description("Correct a failed task's repository or prompt, and retry it")
    .argument("<task>", "task id, name, or owner/name")
    .option("--repo <url>", "the repository to clone (repo_url): allowed only before the task's first successful start")
    .option("--ref <ref>", "the branch, tag or commit to start from (base_ref); with --repo, leaving it out means the default branch")
    .option("--prompt <text>", "the new prompt (while pending, paused, or failed before its first start)")
    .option("--retry", "resume the task once edited")
    .option("--no-wait", "with --retry, return as soon as the retry has started")
    .action(async (ref: string, opts: { repo?: string; ref?: string; prompt?: string; retry?: boolean; wait: boolean }) => {
      if (opts.repo === undefined && opts.ref === undefined && opts.prompt === undefined && !opts.retry) {
        throw new UsageError("nothing to do: give --repo, --ref, --prompt and/or --retry");
      }
      const client = await loggedInClient();
      let task = await resolveTask(client, ref);
      const name = display(task);
      if (opts.prompt !== undefined) await doing(`edit the prompt of task "${name}"`, client.updatePrompt(task.owner_name, task.id, opts.prompt));
      if (opts.repo !== undefined || opts.ref !== undefined) {
        // --ref alone keeps the repository and changes only the ref.
        const repoUrl = opts.repo ?? task.rich_parameter_values.find((p) => p.name === "repo_url")?.value;
        if (!repoUrl) throw new UsageError(`task "${name}" has no repository: give --repo with --ref`);
        task = await doing(
          `edit the repository of task "${name}"`,
          client.updateRepository(task.owner_name, task.id, { repo_url: repoUrl, ...(opts.ref ? { base_ref: opts.ref } : {}) }),
        );
      }
      if (!opts.retry) return console.log(`Task ${bold(name)} updated.${task.status === "error" ? " Retry it with --retry." : ""}`);
      await doing(`retry task "${name}"`, client.resume(task.owner_name, task.id));
      if (!opts.wait) return console.log(`Retrying task ${bold(name)} in the background.`);
      await waitForTask(client, task, {
        label: `Retrying ${name}`,
        until: (t) => t.status === "active",
        failure: (t) => (t.status === "error" ? `task "${name}" failed again${t.current_state?.message ? `: ${t.current_state.message}` : ""}` : undefined),
      });
      console.log(`The ${bold(name)} task is running.`);
    });
  return withExamples(command, [
    ["Correct a misspelt repository and retry", "taskyard task edit my-task --repo https://github.com/acme/api.git --retry"],
    ["Start from another branch", "taskyard task edit my-task --ref release-2.1 --retry"],
    ["Reword the prompt of a task that failed to start", 'taskyard task edit my-task --prompt "Fix the flaky login test"'],
  ]);
}
