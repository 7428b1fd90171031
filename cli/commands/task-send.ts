import { Command } from "commander";
import type { Task, TaskyardClient } from "../../lib/sdk/client";
import { UsageError } from "../errors";
import { withExamples } from "../help";
import { waitForTask } from "../progress";
import { readStdin } from "../prompt";
import { loggedInClient } from "../session";
import { display, doing, resolveTask } from "../task-ref";

const failedWhileStarting = (t: Task) =>
  t.status === "error" || t.status === "unknown" ? `task entered ${t.status} state while waiting for it to become active${t.current_state?.message ? `: ${t.current_state.message}` : ""}` : undefined;

/** Coder's `send`: a paused task is resumed, a starting one waited for, and the agent must be idle first. */
async function readyForInput(client: TaskyardClient, task: Task): Promise<void> {
  const name = display(task);
  switch (task.status) {
    case "active":
      break;
    case "paused":
      await doing(`resume task "${name}"`, client.resume(task.owner_name, task.id));
      await waitForTask(client, task, { label: `Resuming ${name}`, until: (t) => t.status === "active", failure: failedWhileStarting });
      break;
    // Coder refuses a pending task; here its build is queued and will start, so waiting is the useful answer.
    case "pending":
    case "initializing":
      await waitForTask(client, task, { label: `Waiting for ${name} to start`, until: (t) => t.status === "active", failure: failedWhileStarting });
      break;
    default:
      throw new Error(`task "${name}" has status ${task.status} and cannot be sent input`);
  }
  await waitForTask(client, task, {
    label: `Waiting for ${name} to be idle`,
    until: (t) => t.status === "active" && t.current_state !== null && t.current_state.state !== "working",
    failure: (t) => (t.status === "active" ? undefined : `task "${name}" stopped (${t.status}) while waiting for it to be idle`),
  });
}

export function taskSendCommand(): Command {
  const command = new Command("send")
    .description("Send input to a task; a paused task is resumed first, and the agent waited for until it is idle")
    .argument("<task>", "task id, name, or owner/name")
    .argument("[input]", "the message")
    .option("--stdin", "read the input from stdin")
    .action(async (ref: string, input: string | undefined, opts: { stdin?: boolean }) => {
      const text = opts.stdin ? await readStdin() : input;
      if (text === undefined) throw new UsageError("expected an input for the task (an argument, or --stdin)");
      if (!text.trim()) throw new UsageError("the input is empty");
      const client = await loggedInClient();
      const task = await resolveTask(client, ref);
      await readyForInput(client, task);
      await doing(`send input to task "${display(task)}"`, client.send(task.owner_name, task.id, text));
    });
  return withExamples(command, [
    ["Send input to a task", 'taskyard task send task1 "Please also add unit tests"'],
    ["Send input from stdin", 'echo "Please also add unit tests" | taskyard task send task1 --stdin'],
  ]);
}
