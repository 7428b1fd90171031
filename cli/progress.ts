import type { Task, TaskyardClient } from "../lib/sdk/client";

const FRAMES = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A spinner on a terminal (stderr); on a pipe each new text once, as a line a CI log keeps. */
export function progress(text: string) {
  let current = text;
  if (!process.stderr.isTTY) {
    process.stderr.write(`${text}\n`);
    return {
      update: (next: string) => next !== current && process.stderr.write(`${(current = next)}\n`),
      stop: () => {},
    };
  }
  let frame = 0;
  const draw = () => process.stderr.write(`\r\x1b[2K${FRAMES[frame++ % FRAMES.length]} ${current}`);
  const timer = setInterval(draw, 100);
  draw();
  return {
    update: (next: string) => void (current = next),
    stop: () => {
      clearInterval(timer);
      process.stderr.write("\r\x1b[2K");
    },
  };
}

const describe = (t: Task) => `${t.status}${t.current_state?.message ? `: ${t.current_state.message}` : ""}`;

/**
 * Polls the task until `until` holds; `failure` names a status it cannot come back from (its
 * message becomes the error). No streaming here: a paused task's stream has already ended.
 */
export async function waitForTask(
  client: TaskyardClient,
  task: Task,
  options: { label: string; until: (t: Task) => boolean; failure?: (t: Task) => string | undefined; timeoutMs?: number },
): Promise<Task> {
  const spinner = progress(options.label);
  const deadline = Date.now() + (options.timeoutMs ?? 10 * 60_000);
  try {
    while (Date.now() < deadline) {
      const current = await client.task(task.owner_name, task.id);
      spinner.update(`${options.label} (${describe(current)})`);
      if (options.until(current)) return current;
      const failure = options.failure?.(current);
      if (failure) throw new Error(failure);
      await sleep(300);
    }
    throw new Error(`gave up after ${Math.round((options.timeoutMs ?? 600_000) / 1000)} s: ${options.label}`);
  } finally {
    spinner.stop();
  }
}
