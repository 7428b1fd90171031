import { Command, Option } from "commander";
import { withExamples } from "../help";
import { ago, printJson, renderTable } from "../output";
import { loggedInClient } from "../session";
import { doing } from "../task-ref";

export function keysListCommand(): Command {
  const command = new Command("list")
    .alias("ls")
    .description("List your API keys and sessions that still work (never a secret)")
    .addOption(new Option("-o, --output <format>", "output format").choices(["table", "json"]).default("table"))
    .action(async (opts: { output: "table" | "json" }) => {
      const keys = await doing("list keys", (await loggedInClient()).apiKeys());
      if (opts.output === "json") return printJson(keys);
      const rows = keys.map((k) => [
        k.id,
        k.token_name || (k.login_type === "token" ? "(unnamed)" : ""),
        k.login_type === "token" ? "api key" : "session",
        ago(k.last_used),
        new Date(k.expires_at).toLocaleString(),
        k.current ? "yes" : "",
      ]);
      console.log(renderTable(["ID", "NAME", "TYPE", "LAST USED", "EXPIRES", "CURRENT"], rows));
    });
  return withExamples(command, [["As JSON", "taskyard keys list -o json"]]);
}
