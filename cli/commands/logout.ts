import { Command } from "commander";
import { TaskyardError } from "../../lib/sdk/client";
import { withExamples } from "../help";
import { clientFor, readSavedSession, removeSession } from "../session";

export function registerLogout(program: Command) {
  const command = program
    .command("logout")
    .description("Revoke the saved session and forget it")
    .action(async () => {
      const saved = await readSavedSession();
      if (!saved.url || !saved.token) throw new Error("You are not logged in.");
      // An already revoked or expired session is what logging out wants anyway.
      await clientFor(saved.url, saved.token)
        .logout()
        .catch((e: unknown) => (e instanceof TaskyardError && e.status === 401 ? undefined : Promise.reject(e)));
      await removeSession();
      console.log(`You are no longer logged in to ${saved.url}.`);
    });
  withExamples(command, [["Log out", "taskyard logout"]]);
}
