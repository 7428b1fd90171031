import { Command, Option } from "commander";
import { withExamples } from "../help";
import { ago, printJson, renderTable } from "../output";
import { loggedInClient } from "../session";
import { doing } from "../task-ref";

export function gitCredentialsListCommand(): Command {
  const command = new Command("list")
    .alias("ls")
    .description("List your git credentials (never a token: its last 4 characters)")
    .option("--user <user>", "another user's (owners and admins)", "me")
    .addOption(new Option("-o, --output <format>", "output format").choices(["table", "json"]).default("table"))
    .action(async (opts: { user: string; output: "table" | "json" }) => {
      const credentials = await doing("list git credentials", (await loggedInClient()).gitCredentials(opts.user));
      if (opts.output === "json") return printJson(credentials);
      if (credentials.length === 0) return console.error("No git credentials.");
      const rows = credentials.map((c) => [c.id, c.host, c.provider_kind, c.login, c.scopes?.join(",") || "-", `…${c.token_last4}`, ago(c.created_at), c.last_used_at ? ago(c.last_used_at) : "never"]);
      console.log(renderTable(["ID", "HOST", "KIND", "LOGIN", "SCOPES", "TOKEN", "CREATED", "LAST USED"], rows));
    });
  return withExamples(command, [["As JSON", "taskyard git-credentials list -o json"]]);
}
