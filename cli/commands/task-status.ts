import { Command, Option } from "commander";
import type { Task } from "../../lib/sdk/client";
import { withExamples } from "../help";
import { collectColumns, printJson, renderTable } from "../output";
import { loggedInClient } from "../session";
import { checkColumns, isHealthy, STATUS_COLUMNS, TASK_COLUMNS, taskRow } from "../task-columns";
import { resolveTask, taskPath } from "../task-ref";

type Options = { watch?: boolean; output: "table" | "json"; column?: string[] };

/** Coder's end of `--watch`: the workspace stopped, or a healthy agent that is not working; here also an error. */
export function watchEnded(t: Task): boolean {
  if (t.workspace_status === "stopped" || t.status === "error" || t.status === "paused") return true;
  if (!isHealthy(t)) return false;
  return Boolean(t.current_state && t.current_state.state !== "working");
}

/** What `--watch` compares: a row is printed again only when one of these changed. */
const fingerprint = (t: Task) => JSON.stringify([t.status, isHealthy(t), t.current_state?.state, t.current_state?.message]);

export function taskStatusCommand(): Command {
  const command = new Command("status")
    .alias("stat")
    .description("Show the status of a task")
    .argument("<task>", "task id, name, or owner/name")
    .option("--watch", "stream status changes until the task is idle or stopped")
    .addOption(new Option("-o, --output <format>", "output format").choices(["table", "json"]).default("table"))
    .option("-c, --column <columns>", `table columns, comma-separated (default: ${STATUS_COLUMNS.join(",")})`, collectColumns)
    .action(async (ref: string, opts: Options) => {
      const columns = checkColumns(opts.column ?? STATUS_COLUMNS, TASK_COLUMNS);
      const client = await loggedInClient();
      const print = (t: Task, header: boolean) => {
        if (opts.output === "json") return console.log(JSON.stringify(t));
        const lines = renderTable(columns, [taskRow(t, columns)]).split("\n");
        console.log((header ? lines : lines.slice(1)).join("\n"));
      };
      const task = await resolveTask(client, ref);
      if (!opts.watch) return opts.output === "json" ? printJson(task) : print(task, true);
      print(task, true);
      if (watchEnded(task)) return;
      let last = fingerprint(task);
      // The log stream carries every change of the task and ends when it stops.
      for await (const event of client.streamTask(...taskPath(task.id))) {
        if (event.event !== "task") continue;
        if (event.data.deleted) throw new Error(`task ${task.owner_name}/${task.name} was deleted`);
        if (fingerprint(event.data) !== last) print(event.data, false);
        last = fingerprint(event.data);
        if (watchEnded(event.data)) return;
      }
    });
  return withExamples(command, [
    ["Show the status of a task", "taskyard task status task1"],
    ["Watch a task until it is idle or stopped", "taskyard task status task1 --watch"],
  ]);
}
