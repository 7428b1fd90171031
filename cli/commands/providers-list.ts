import { Command, Option } from "commander";
import { withExamples } from "../help";
import { ago, printJson, renderTable } from "../output";
import { loggedInClient } from "../session";
import { doing } from "../task-ref";

export function providersListCommand(): Command {
  const command = new Command("list")
    .alias("ls")
    .description("List the configured git providers")
    .addOption(new Option("-o, --output <format>", "output format").choices(["table", "json"]).default("table"))
    .action(async (opts: { output: "table" | "json" }) => {
      const providers = await doing("list git providers", (await loggedInClient()).gitProviders());
      if (opts.output === "json") return printJson(providers);
      if (providers.length === 0) return console.error("No git providers configured.");
      console.log(renderTable(["ID", "KIND", "HOST", "API URL", "CREATED"], providers.map((p) => [p.id, p.kind, p.host, p.api_url || "-", ago(p.created_at)])));
    });
  return withExamples(command, [["List them as JSON", "taskyard providers list -o json"]]);
}
