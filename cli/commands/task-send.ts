import { Command } from "commander";
import type { Task, TaskInput, TaskyardClient } from "../../lib/sdk/client";
import { UsageError } from "../errors";
import { withExamples } from "../help";
import { progress, waitForTask } from "../progress";
import { readStdin } from "../prompt";
import { loggedInClient } from "../session";
import { display, doing, resolveTask } from "../task-ref";

const failedWhileStarting = (t: Task) =>
  t.status === "error" || t.status === "unknown" ? `task entered ${t.status} state while waiting for it to become active${t.current_state?.message ? `: ${t.current_state.message}` : ""}` : undefined;

/**
 * Coder's `send` resumes a paused task first; the input itself goes to the task's queue, as the
 * dashboard's does: the agent takes it when it waits for input, whatever it is doing now.
 */
async function readyForInput(client: TaskyardClient, task: Task): Promise<void> {
  const name = display(task);
  switch (task.status) {
    case "active":
    case "pending":
    case "initializing":
      return;
    case "paused":
      await doing(`resume task "${name}"`, client.resume(task.owner_name, task.id));
      await waitForTask(client, task, { label: `Resuming ${name}`, until: (t) => t.status === "active", failure: failedWhileStarting });
      return;
    default:
      throw new Error(`task "${name}" has status ${task.status} and cannot be sent input`);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls the queue until the agent has taken the input (an input removed meanwhile is an error). */
async function waitForDelivery(client: TaskyardClient, task: Task, input: TaskInput): Promise<TaskInput> {
  const spinner = progress(`Waiting for ${display(task)} to take the input`);
  try {
    for (;;) {
      const current = (await client.inputs(task.owner_name, task.id)).inputs.find((i) => i.id === input.id);
      if (!current) throw new Error(`the input was removed from task "${display(task)}" before it was delivered`);
      if (current.state === "delivered") return current;
      await sleep(300);
    }
  } finally {
    spinner.stop();
  }
}

export function taskSendCommand(): Command {
  const command = new Command("send")
    .description("Send input to a task: queued until the agent waits for input (a paused task is resumed first)")
    .argument("<task>", "task id, name, or owner/name")
    .argument("[input]", "the message")
    .option("--stdin", "read the input from stdin")
    .option("--wait", "wait until the agent has taken the input")
    .action(async (ref: string, input: string | undefined, opts: { stdin?: boolean; wait?: boolean }) => {
      const text = opts.stdin ? await readStdin() : input;
      if (text === undefined) throw new UsageError("expected an input for the task (an argument, or --stdin)");
      if (!text.trim()) throw new UsageError("the input is empty");
      const client = await loggedInClient();
      const task = await resolveTask(client, ref);
      await readyForInput(client, task);
      let sent = await doing(`send input to task "${display(task)}"`, client.queueInput(task.owner_name, task.id, text));
      if (sent.state === "queued" && opts.wait) sent = await waitForDelivery(client, task, sent);
      process.stdout.write(sent.state === "delivered" ? `Input delivered to task "${display(task)}".\n` : `Input queued for task "${display(task)}": the agent takes it when it waits for input.\n`);
    });
  return withExamples(command, [
    ["Send input to a task", 'taskyard task send task1 "Please also add unit tests"'],
    ["Send input and wait until the agent has taken it", 'taskyard task send task1 --wait "Then run the linter"'],
    ["Send input from stdin", 'echo "Please also add unit tests" | taskyard task send task1 --stdin'],
  ]);
}
