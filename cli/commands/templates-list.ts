import { Command, Option } from "commander";
import { withExamples } from "../help";
import { ago, printJson, renderTable } from "../output";
import { loggedInClient } from "../session";
import { doing } from "../task-ref";

export function templatesListCommand(): Command {
  const command = new Command("list")
    .alias("ls")
    .description("List templates: whether each can run here, its active version; archived ones with --archived")
    .option("--archived", "include archived templates")
    .addOption(new Option("-o, --output <format>", "output format").choices(["table", "json"]).default("table"))
    .action(async (opts: { archived?: boolean; output: "table" | "json" }) => {
      const client = await loggedInClient();
      const templates = await doing("list templates", opts.archived ? client.allTemplates() : client.templates());
      if (opts.output === "json") return printJson(templates);
      if (templates.length === 0) return console.error("No templates. An owner creates one with `taskyard templates create <name> --file config.json`.");
      const rows = templates.map((t) => [
        t.name,
        t.display_name,
        t.archived ? "archived" : t.available ? "available" : `unavailable: ${t.unavailable_reason}`,
        ago(t.updated_at),
      ]);
      console.log(renderTable(["NAME", "DISPLAY NAME", "STATE", "UPDATED"], rows));
    });
  return withExamples(command, [["Archived ones too, as JSON", "taskyard templates list --archived -o json"]]);
}
