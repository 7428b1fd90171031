import { Command, Option } from "commander";
import { UsageError } from "../errors";
import { withExamples } from "../help";
import { bold, printJson } from "../output";
import { loggedInClient } from "../session";
import { doing } from "../task-ref";

type Options = { email: string; username: string; name?: string; role: "admin" | "member"; password?: string; invite?: boolean; output: "text" | "json" };

export function usersCreateCommand(): Command {
  const command = new Command("create")
    .description("Create a user with a password, or invite them: a one-time link (printed ONCE, valid 7 days) where they choose their own")
    .requiredOption("--email <email>", "their email (they sign in with it)")
    .requiredOption("--username <username>", "letters, digits and single dashes, ≤ 32")
    .option("--name <name>", "their display name")
    .addOption(new Option("--role <role>", "their role (only an owner makes admins)").choices(["admin", "member"]).default("member"))
    .option("--password <password>", "set this password instead of inviting (it shows in `ps`: prefer the invite)")
    .option("--invite", "send a one-time link instead of a password (the default without --password)")
    .addOption(new Option("-o, --output <format>", "output format").choices(["text", "json"]).default("text"))
    .action(async (opts: Options) => {
      if (opts.password !== undefined && opts.invite) throw new UsageError("give --password or --invite, not both");
      const client = await loggedInClient();
      const body = { email: opts.email, username: opts.username, name: opts.name, role: opts.role };
      const user = await doing("create the user", client.createUser(opts.password !== undefined ? { ...body, password: opts.password } : { ...body, invite: true }));
      if (opts.output === "json") return printJson(user);
      console.log(`Created ${bold(user.username)} <${user.email}> as ${user.roles[0]?.name ?? "member"} (${user.status})`);
      if (user.invite_url) console.log(`Invite link (shown only now; valid until ${new Date(user.invite_expires_at!).toLocaleString()}) — send it to them:\n${user.invite_url}`);
    });
  return withExamples(command, [
    ["Invite a member", "taskyard users create --email ada@example.com --username ada --name 'Ada Lovelace'"],
    ["An admin with a password", "taskyard users create --email ops@example.com --username ops --role admin --password 'correct horse battery'"],
  ]);
}
