import { Command, Option } from "commander";
import type { Task, TaskyardClient } from "../../lib/sdk/client";
import { TASK_STATUSES } from "../../lib/validation/tasks";
import { withExamples } from "../help";
import { collectColumns, printJson, renderTable } from "../output";
import { loggedInClient } from "../session";
import { checkColumns, LIST_COLUMNS, TASK_COLUMNS, taskRow } from "../task-columns";
import { doing } from "../task-ref";

type Options = { status?: string; all?: boolean; user?: string; quiet?: boolean; output: "table" | "json"; column?: string[] };

const PAGE = 1000;

/** Every page of `GET /tasks?q=` (the server caps a page at 1000). */
async function allTasks(client: TaskyardClient, q: string): Promise<Task[]> {
  const tasks: Task[] = [];
  for (;;) {
    const page = await doing("list tasks", client.tasks(q, { limit: PAGE, offset: tasks.length }));
    tasks.push(...page.tasks);
    if (page.tasks.length === 0 || tasks.length >= page.count) return tasks;
  }
}

export function taskListCommand(): Command {
  const command = new Command("list")
    .alias("ls")
    .description("List tasks")
    .addOption(new Option("--status <status>", "only tasks with this status").choices(TASK_STATUSES))
    .option("-a, --all", "tasks of every user you can see")
    .option("--user <user>", 'tasks of this user (username or "me")')
    .option("-q, --quiet", "only print task ids")
    .addOption(new Option("-o, --output <format>", "output format").choices(["table", "json"]).default("table"))
    .option("-c, --column <columns>", `table columns, comma-separated (default: ${LIST_COLUMNS.join(",")}; any of: ${Object.keys(TASK_COLUMNS).join(", ")})`, collectColumns)
    .action(async (opts: Options) => {
      const columns = checkColumns(opts.column ?? LIST_COLUMNS, TASK_COLUMNS);
      const owner = opts.user?.trim() || (opts.all ? "" : "me");
      const q = [owner && `owner:${owner}`, opts.status && `status:${opts.status}`].filter(Boolean).join(" ");
      const tasks = await allTasks(await loggedInClient(), q);
      if (opts.quiet) return tasks.forEach((t) => console.log(t.id));
      if (opts.output === "json") return printJson(tasks);
      if (tasks.length === 0) return console.error("No tasks found.");
      const now = Date.now();
      console.log(renderTable(columns, tasks.map((t) => taskRow(t, columns, now))));
    });
  return withExamples(command, [
    ["List your tasks", "taskyard task list"],
    ["List another user's tasks", "taskyard task list --user someone-else"],
    ["List all tasks you can see", "taskyard task list --all"],
    ["List your active tasks, ids only", "taskyard task list --status active --quiet"],
    ["Choose the columns", 'taskyard task list -c "name,template name,initial prompt,cost"'],
  ]);
}
