import { Command, Option } from "commander";
import { withExamples } from "../help";
import { ago, printJson, renderTable } from "../output";
import { loggedInClient } from "../session";
import { doing } from "../task-ref";

export function webhooksListCommand(): Command {
  const command = new Command("list")
    .alias("ls")
    .description("List your webhook endpoints (never a secret) and why one was disabled")
    .addOption(new Option("-o, --output <format>", "output format").choices(["table", "json"]).default("table"))
    .action(async (opts: { output: "table" | "json" }) => {
      const webhooks = await doing("list webhooks", (await loggedInClient()).webhooks());
      if (opts.output === "json") return printJson(webhooks);
      if (webhooks.length === 0) return console.error("No webhooks. Add one with `taskyard webhooks add <url> --events task.idle`.");
      const rows = webhooks.map((w) => [
        w.id.slice(0, 8),
        w.url,
        w.events.join(","),
        w.format + (w.all_tasks ? " (all tasks)" : ""),
        w.enabled ? "enabled" : `disabled${w.disabled_reason ? `: ${w.disabled_reason}` : ""}`,
        ago(w.created_at),
      ]);
      console.log(renderTable(["ID", "URL", "EVENTS", "FORMAT", "STATE", "CREATED"], rows));
    });
  return withExamples(command, [["As JSON (full ids)", "taskyard webhooks list -o json"]]);
}
