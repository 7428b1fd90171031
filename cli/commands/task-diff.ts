import { Command } from "commander";
import type { ChangedFile, TaskChanges } from "../../lib/sdk/client";
import { withExamples } from "../help";
import { ago } from "../output";
import { loggedInClient } from "../session";
import { doing, resolveTask, taskPath } from "../task-ref";

type Options = { stat?: boolean };

/** The widest +/− bar, as git's --stat draws within 80 columns. */
const BAR_MAX = 40;

/** `git diff --stat`'s shape: ` path | N +++--`, then the totals line. */
export function renderStat(files: ChangedFile[]): string {
  if (files.length === 0) return "";
  const names = files.map((f) => (f.old_path ? `${f.old_path} => ${f.path}` : f.path));
  const counts = files.map((f) => String(f.additions + f.deletions));
  const nameWidth = Math.max(...names.map((n) => n.length));
  const countWidth = Math.max(...counts.map((c) => c.length));
  const most = Math.max(...files.map((f) => f.additions + f.deletions));
  const scale = most > BAR_MAX ? BAR_MAX / most : 1;
  const lines = files.map((f, i) => {
    // Scaled down, but a changed side never shows no mark at all.
    const plus = f.additions ? Math.max(1, Math.round(f.additions * scale)) : 0;
    const minus = f.deletions ? Math.max(1, Math.round(f.deletions * scale)) : 0;
    return ` ${names[i].padEnd(nameWidth)} | ${counts[i].padStart(countWidth)} ${"+".repeat(plus)}${"-".repeat(minus)}`.trimEnd();
  });
  const additions = files.reduce((n, f) => n + f.additions, 0);
  const deletions = files.reduce((n, f) => n + f.deletions, 0);
  const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
  const totals = [plural(files.length, "file changed", "files changed")];
  if (additions || !deletions) totals.push(`${plural(additions, "insertion", "insertions")}(+)`);
  if (deletions) totals.push(`${plural(deletions, "deletion", "deletions")}(-)`);
  return `${lines.join("\n")}\n ${totals.join(", ")}\n`;
}

const snapshotNote = (changes: TaskChanges) => `(a snapshot${changes.snapshot_at ? ` taken ${ago(changes.snapshot_at)}` : ""}: the task is not running)`;

export function taskDiffCommand(): Command {
  const command = new Command("diff")
    .description(
      "Show a task's repository changes against its base commit: committed, staged, unstaged and new files, as one unified diff " +
        "(pipe it to `git apply`), or with --stat the files and their +/− counts. Live while the task runs, from the snapshot taken at pause while it is paused.",
    )
    .argument("<task>", "task id, name, or owner/name")
    .option("--stat", "list the changed files with +/− counts instead of the diff, like `git diff --stat`")
    .action(async (ref: string, opts: Options) => {
      const client = await loggedInClient();
      const task = await resolveTask(client, ref);
      const changes = await doing("get task changes", client.changes(...taskPath(task.id)));
      if (changes.snapshot) console.error(snapshotNote(changes));
      if (opts.stat) return void process.stdout.write(renderStat(changes.files));
      process.stdout.write(changes.diff);
      // On stderr: stdout stays a patch `git apply` takes, up to the cut.
      if (changes.truncated) console.error("(the diff is cut at 1 MiB: files past the cut are missing from it; --stat lists them all)");
    });
  return withExamples(command, [
    ["Show what a task changed", "taskyard task diff fix-login-bug"],
    ["List the files it changed with +/− counts", "taskyard task diff fix-login-bug --stat"],
    ["Apply a task's changes to your own checkout", "taskyard task diff alice/fix-login-bug | git apply"],
  ]);
}
