import { Command } from "commander";
import { withExamples } from "../help";
import { usersCreateCommand } from "./users-create";
import { usersListCommand } from "./users-list";
import { usersRoleCommand } from "./users-role";
import { usersStatusCommand } from "./users-status";

/** `taskyard users …`: the owner's and admins' user management (the API's `/users` routes). */
export function registerUsers(program: Command) {
  const users = program.command("users").alias("user").description("Manage users (owner and admins): list, create or invite, change roles, suspend and reactivate");
  const subs = [usersListCommand, usersCreateCommand, usersRoleCommand, () => usersStatusCommand("suspend"), () => usersStatusCommand("activate")];
  for (const sub of subs) users.addCommand(sub().copyInheritedSettings(users));
  withExamples(users, [
    ["Invite someone (prints a one-time link)", "taskyard users create --email ada@example.com --username ada"],
    ["Make someone an admin", "taskyard users role ada admin"],
    ["Stop someone's sessions and keys at once", "taskyard users suspend ada"],
  ]);
}
