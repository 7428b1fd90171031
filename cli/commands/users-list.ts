import { Command, Option } from "commander";
import type { UserRole, UserStatus } from "../../lib/sdk/client";
import { withExamples } from "../help";
import { ago, printJson, renderTable } from "../output";
import { loggedInClient } from "../session";
import { doing } from "../task-ref";

type Options = { search?: string; role?: UserRole; status?: UserStatus; output: "table" | "json" };

export function usersListCommand(): Command {
  const command = new Command("list")
    .alias("ls")
    .description("List users with their role, status and when they were last seen")
    .option("-s, --search <text>", "only usernames, emails or names containing this")
    .addOption(new Option("--role <role>", "only this role").choices(["owner", "admin", "member"]))
    .addOption(new Option("--status <status>", "only this status").choices(["active", "suspended", "invited"]))
    .addOption(new Option("-o, --output <format>", "output format").choices(["table", "json"]).default("table"))
    .action(async (opts: Options) => {
      const client = await loggedInClient();
      const { users } = await doing("list users", client.users(opts.search ?? "", { ...(opts.role && { role: opts.role }), ...(opts.status && { status: opts.status }) }));
      if (opts.output === "json") return printJson(users);
      if (users.length === 0) return console.error("No users match.");
      const rows = users.map((u) => [u.username, u.email, u.name, u.roles[0]?.name ?? "member", u.status, u.last_seen_at ? ago(u.last_seen_at) : "never", ago(u.created_at)]);
      console.log(renderTable(["USERNAME", "EMAIL", "NAME", "ROLE", "STATUS", "LAST SEEN", "CREATED"], rows));
    });
  return withExamples(command, [
    ["Suspended users", "taskyard users list --status suspended"],
    ["As JSON", "taskyard users list -o json"],
  ]);
}
