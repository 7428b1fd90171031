import { Command } from "commander";
import { withExamples } from "../help";
import { bold } from "../output";
import { currentSession, clientFor } from "../session";
import { doing } from "../task-ref";

export function registerWhoami(program: Command) {
  const command = program
    .command("whoami")
    .description("Show the server and the user you are logged in as")
    .action(async () => {
      const { url, token } = await currentSession();
      const me = await doing("get the current user", clientFor(url, token).me());
      console.log(`Taskyard is running at ${url}, and you are authenticated as ${bold(me.username)} (${me.email}).`);
    });
  withExamples(command, [["Who am I?", "taskyard whoami"]]);
}
