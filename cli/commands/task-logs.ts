import { Command, Option } from "commander";
import type { LogEntry, TaskLogs } from "../../lib/sdk/client";
import { withExamples } from "../help";
import { ago, collectColumns, printJson, renderTable } from "../output";
import { loggedInClient } from "../session";
import { checkColumns } from "../task-columns";
import { doing, resolveTask, taskPath } from "../task-ref";

type Options = { follow?: boolean; output: "table" | "json"; column?: string[] };

const LOG_COLUMNS: Record<string, (e: LogEntry) => string> = {
  id: (e) => String(e.id),
  type: (e) => e.type,
  time: (e) => e.time,
  content: (e) => e.content,
};
const DEFAULT_COLUMNS = ["type", "content"];

const snapshotNote = (logs: TaskLogs) => `(a snapshot${logs.snapshot_at ? ` taken ${ago(logs.snapshot_at)}` : ""}: the task is not running)`;

export function taskLogsCommand(): Command {
  const command = new Command("logs")
    .description("Show a task's logs (its conversation)")
    .argument("<task>", "task id, name, or owner/name")
    .option("-f, --follow", "keep printing new messages until the task stops")
    .addOption(new Option("-o, --output <format>", "output format (json: one object per line with --follow)").choices(["table", "json"]).default("table"))
    .option("-c, --column <columns>", `table columns, comma-separated: ${Object.keys(LOG_COLUMNS).join(", ")} (default: ${DEFAULT_COLUMNS.join(",")})`, collectColumns)
    .action(async (ref: string, opts: Options) => {
      const columns = checkColumns(opts.column ?? DEFAULT_COLUMNS, LOG_COLUMNS);
      const client = await loggedInClient();
      const task = await resolveTask(client, ref);
      const row = (e: LogEntry) => columns.map((c) => LOG_COLUMNS[c](e));

      if (!opts.follow) {
        const logs = await doing("get task logs", client.logs(...taskPath(task.id)));
        if (logs.snapshot) console.error(snapshotNote(logs));
        if (opts.output === "json") return printJson(logs.logs);
        if (logs.logs.length) console.log(renderTable(columns, logs.logs.map(row)));
        return;
      }

      // Streamed rows cannot be aligned in advance: a header, then one line per entry.
      if (opts.output === "table") console.log(columns.map((c) => c.toUpperCase()).join("  "));
      const print = (e: LogEntry) => console.log(opts.output === "json" ? JSON.stringify(e) : row(e).join("  "));
      const printed = new Set<number>();
      let snapshotSaid = false;
      let stopped = false;
      for await (const event of client.streamTask(...taskPath(task.id))) {
        if (event.event === "task") {
          // A failed or deleted task has no logs to wait for.
          if (event.data.status === "error" || event.data.deleted) break;
          stopped = event.data.status === "paused";
        }
        const entries = event.event === "logs" ? event.data.logs : event.event === "log" ? [event.data] : [];
        if (event.event === "logs" && event.data.snapshot && !snapshotSaid) {
          console.error(snapshotNote(event.data));
          snapshotSaid = true;
        }
        for (const entry of entries.filter((e) => !printed.has(e.id))) {
          printed.add(entry.id);
          print(entry);
        }
        // A stopped task's conversation is complete once its logs are out (like `docker logs -f` on a stopped container).
        if (stopped && event.event === "logs") break;
      }
    });
  return withExamples(command, [
    ["Show a task's logs", "taskyard task logs task1"],
    ["Follow them as the agent works", "taskyard task logs task1 --follow"],
    ["Only the time and content, as JSON", "taskyard task logs task1 -c time,content -o json"],
  ]);
}
