import { Command, Option } from "commander";
import { withExamples } from "../help";
import { ago, printJson, renderTable } from "../output";
import { loggedInClient } from "../session";
import { doing } from "../task-ref";
import { renderTags } from "../../lib/validation/provisioners";

export function provisionersListCommand(): Command {
  const command = new Command("list")
    .alias("ls")
    .description("List the registered provisioners: host, tags, version, running workspaces, last seen (owner and admins)")
    .addOption(new Option("-o, --output <format>", "output format").choices(["table", "json"]).default("table"))
    .action(async (opts: { output: "table" | "json" }) => {
      const provisioners = await doing("list provisioners", (await loggedInClient()).provisioners());
      if (opts.output === "json") return printJson(provisioners);
      if (provisioners.length === 0) return console.error("No provisioners have registered. `npm start` runs one; remote hosts run `taskyard provisioner --url … --key …`.");
      const rows = provisioners.map((p) => [
        p.host,
        renderTags(p.tags) || "-",
        p.key_name ?? "(built-in)",
        p.version,
        String(p.workspaces),
        p.online ? "online" : "offline",
        ago(p.last_seen_at),
      ]);
      console.log(renderTable(["HOST", "TAGS", "KEY", "VERSION", "WORKSPACES", "STATE", "LAST SEEN"], rows));
    });
  return withExamples(command, [["As JSON", "taskyard provisioners list -o json"]]);
}
