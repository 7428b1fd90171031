import postgres from "postgres";
import { inject } from "vitest";
import type { Task, TaskyardClient } from "../../lib/sdk/client";

// The /proc helpers live in processes.ts, where the bench (outside vitest) can use them too.
export { descendants, environOf, isAlive, processesOfUid } from "./processes";

let sqlClient: postgres.Sql | undefined;
/** Direct database access, for what the API deliberately does not show (pids, hashes, builds). */
export function db(): postgres.Sql {
  sqlClient ??= postgres(inject("databaseUrl"), { max: 2, onnotice: () => {} });
  return sqlClient;
}

/**
 * Polls `probe` until it answers. `seen` says what the last probe saw, for the timeout's message: a
 * wait that fails should say where it got stuck.
 */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 15_000, everyMs = 50, seen?: () => string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out waiting for ${what}${seen ? ` (last seen: ${seen()})` : ""}${last ? ` (last error: ${last})` : ""}`);
}

/** What a task looked like, for a wait's timeout message. */
function describeTask(task: Task | undefined): string {
  if (!task) return "nothing yet";
  const state = task.current_state ? `${task.current_state.state} "${task.current_state.message.slice(0, 120)}"` : "no state";
  return `status ${task.status}, state ${state}, agent ${task.workspace_agent_lifecycle ?? "none"}, health ${JSON.stringify(task.workspace_agent_health)}`;
}

function waitForTask(client: TaskyardClient, taskId: string, what: string, done: (task: Task) => boolean, timeoutMs: number) {
  let last: Task | undefined;
  return waitFor(`task ${taskId} ${what}`, async () => {
    last = await client.task("me", taskId);
    return done(last) ? last : undefined;
  }, timeoutMs, 50, () => describeTask(last));
}

export function waitForStatus(client: TaskyardClient, taskId: string, status: Task["status"], timeoutMs = 15_000) {
  return waitForTask(client, taskId, `to be ${status}`, (task) => task.status === status, timeoutMs);
}

export function waitForState(client: TaskyardClient, taskId: string, state: string, timeoutMs = 15_000) {
  return waitForTask(client, taskId, `state ${state}`, (task) => task.current_state?.state === state, timeoutMs);
}

export async function currentAgentPid(workspaceId: string): Promise<number> {
  const [row] = await db()`SELECT pid FROM workspace_agents WHERE workspace_id = ${workspaceId} ORDER BY created_at DESC LIMIT 1`;
  return row.pid as number;
}

/** Sends `input` to a task's agent and waits for its reply and for it to be idle again; answers the reply. */
export async function say(client: TaskyardClient, taskId: string, input: string): Promise<string> {
  const before = (await client.logs("me", taskId)).logs.length;
  await client.send("me", taskId, input);
  const logs = await waitFor("the reply", async () => {
    const { logs } = await client.logs("me", taskId);
    return logs.length >= before + 2 ? logs : undefined;
  });
  await waitForState(client, taskId, "idle");
  return logs[logs.length - 1].content;
}
