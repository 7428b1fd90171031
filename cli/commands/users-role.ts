import { Command, Argument } from "commander";
import type { UserRole } from "../../lib/sdk/client";
import { withExamples } from "../help";
import { bold } from "../output";
import { loggedInClient } from "../session";
import { doing } from "../task-ref";

export function usersRoleCommand(): Command {
  const command = new Command("role")
    .description("Give a user a role (owner only; never your own, never the last owner's)")
    .argument("<user>", "username or id")
    .addArgument(new Argument("<role>", "the new role").choices(["owner", "admin", "member"]))
    .action(async (ref: string, role: UserRole) => {
      const user = await doing(`change ${ref}'s role`, (await loggedInClient()).setUserRole(ref, role));
      console.log(`${bold(user.username)} is now ${user.roles[0]?.name ?? "member"}`);
    });
  return withExamples(command, [["Make ada an admin", "taskyard users role ada admin"]]);
}
