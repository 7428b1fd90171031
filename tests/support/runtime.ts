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

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 15_000, everyMs = 50): Promise<T> {
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
  throw new Error(`timed out waiting for ${what}${last ? ` (last error: ${last})` : ""}`);
}

export function waitForStatus(client: TaskyardClient, taskId: string, status: Task["status"], timeoutMs = 15_000) {
  return waitFor(`task ${taskId} to be ${status}`, async () => {
    const task = await client.task("me", taskId);
    return task.status === status ? task : undefined;
  }, timeoutMs);
}

export function waitForState(client: TaskyardClient, taskId: string, state: string, timeoutMs = 15_000) {
  return waitFor(`task ${taskId} state ${state}`, async () => {
    const task = await client.task("me", taskId);
    return task.current_state?.state === state ? task : undefined;
  }, timeoutMs);
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
