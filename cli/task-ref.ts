import type { Task, TaskyardClient } from "../lib/sdk/client";

/** `<task>` is an id, a name of the caller's, or `owner/name`. */
export function taskPath(ref: string): [owner: string, task: string] {
  const slash = ref.indexOf("/");
  return slash > 0 ? [ref.slice(0, slash), ref.slice(slash + 1)] : ["me", ref];
}

/** Prefix an error with what was being done (`resolve task "x": …`), keeping its type. */
export async function doing<T>(what: string, promise: Promise<T>): Promise<T> {
  return promise.catch((error: unknown) => {
    if (error instanceof Error) error.message = `${what}: ${error.message}`;
    throw error;
  });
}

export const resolveTask = (client: TaskyardClient, ref: string): Promise<Task> => doing(`resolve task "${ref}"`, client.task(...taskPath(ref)));

export const display = (task: Task) => `${task.owner_name}/${task.name}`;
