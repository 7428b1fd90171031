import { Command, Option } from "commander";
import { withExamples } from "../help";
import { ago, printJson, renderTable } from "../output";
import { loggedInClient } from "../session";
import { doing } from "../task-ref";
import { renderTags } from "../../lib/validation/provisioners";

export function provisionerKeysListCommand(): Command {
  const command = new Command("list")
    .alias("ls")
    .description("List the provisioner keys with their pinned tags (never a key itself)")
    .addOption(new Option("-o, --output <format>", "output format").choices(["table", "json"]).default("table"))
    .action(async (opts: { output: "table" | "json" }) => {
      const keys = await doing("list provisioner keys", (await loggedInClient()).provisionerKeys());
      if (opts.output === "json") return printJson(keys);
      if (keys.length === 0) return console.error("No provisioner keys. Create one with `taskyard provisioners keys create <name> [--tag k=v]`.");
      const rows = keys.map((k) => [k.id.slice(0, 8), k.name, renderTags(k.tags) || "- (the daemon's own)", k.last_used_at ? ago(k.last_used_at) : "never", ago(k.created_at)]);
      console.log(renderTable(["ID", "NAME", "TAGS", "LAST USED", "CREATED"], rows));
    });
  return withExamples(command, [["As JSON (full ids)", "taskyard provisioners keys list -o json"]]);
}
