import { Command } from "commander";
import { withExamples } from "../help";
import { bold } from "../output";
import { loggedInClient } from "../session";
import { display, doing, resolveTask } from "../task-ref";

export function taskStopCommand(): Command {
  const command = new Command("stop")
    .description("Stop the agent's running turn (what it wrote so far is kept); the workspace keeps running, ready for input")
    .argument("<task>", "task id, name, or owner/name")
    .action(async (ref: string) => {
      const client = await loggedInClient();
      const task = await resolveTask(client, ref);
      const name = display(task);
      const working = task.status === "active" && task.current_state?.state === "working";
      await doing(`stop task "${name}"`, client.interrupt(task.owner_name, task.id));
      if (working) console.log(`Interrupted the agent of ${bold(name)}; it is waiting for input.`);
      else console.log(`The agent of ${bold(name)} was not working (task ${task.status}${task.current_state ? `, ${task.current_state.state}` : ""}): nothing to stop.`);
    });
  return withExamples(command, [["Stop a turn that went astray, then say what to do instead", 'taskyard task stop my-task && taskyard task send my-task "Only fix the test"']]);
}
