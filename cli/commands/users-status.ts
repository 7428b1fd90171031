import { Command } from "commander";
import { withExamples } from "../help";
import { bold } from "../output";
import { loggedInClient } from "../session";
import { doing } from "../task-ref";

/** `suspend` (their sessions, API keys and CLI tokens are refused at once) and `activate`. */
export function usersStatusCommand(verb: "suspend" | "activate"): Command {
  const command = new Command(verb)
    .description(
      verb === "suspend"
        ? "Suspend a user: their sessions, API keys and CLI logins are refused from their next request; their tasks keep running"
        : "Reactivate a suspended user (they sign in again; their API keys work again)",
    )
    .argument("<user>", "username or id")
    .action(async (ref: string) => {
      const client = await loggedInClient();
      const user = await doing(`${verb} ${ref}`, verb === "suspend" ? client.suspendUser(ref) : client.activateUser(ref));
      console.log(`${bold(user.username)} is ${user.status}`);
    });
  return withExamples(command, [[verb === "suspend" ? "Suspend ada" : "Let ada back in", `taskyard users ${verb} ada`]]);
}
