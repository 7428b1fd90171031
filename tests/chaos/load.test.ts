import fs from "node:fs/promises";
import { afterAll, describe, expect, it } from "vitest";
import { recordRecovery, signIn, taskWithConversation } from "../support/chaos";
import { descendants, waitForState } from "../support/runtime";
import { startServer, tempDataDir } from "../support/stack";

const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => {});
});

describe("100 clients at once, and the web server killed under them", () => {
  it("answers only 2xx/4xx/502/503, loses no accepted send, and leaves no task stuck", async () => {
    const dataDir = await tempDataDir();
    const { baseUrl, proc } = await startServer({ dataDir });
    cleanups.push(() => fs.rm(dataDir, { recursive: true, force: true }), () => proc.stop());
    const client = await signIn(baseUrl);
    const tasks = await Promise.all([0, 1, 2].map((i) => taskWithConversation(client, `Under load ${i}`)));

    const statuses = new Map<number, number>();
    const accepted = new Map<string, string[]>(tasks.map((t) => [t.id, []]));
    // A send whose answer was lost with the killed web server: the agent may or may not have it.
    const unknown = new Set<string>();
    const headers = { "Coder-Session-Token": client.token!, "content-type": "application/json" };
    const until = Date.now() + 20_000;
    const worker = async (n: number) => {
      for (let i = 0; Date.now() < until; i++) {
        const task = tasks[(n + i) % tasks.length];
        const kind = (n + i) % 4;
        const input = `load ${n}.${i}`;
        const res = await fetch(
          kind === 0 ? `${baseUrl}/api/v2/tasks` : kind === 1 ? `${baseUrl}/api/v2/tasks/me/${task.id}` : `${baseUrl}/api/v2/tasks/me/${task.id}/${kind === 2 ? "logs" : "send"}`,
          kind === 3 ? { method: "POST", headers, body: JSON.stringify({ input }) } : { headers },
        ).catch(() => null); // the web server being killed: a reset or refused connection
        if (!res) {
          if (kind === 3) unknown.add(input);
          continue;
        }
        // Killed halfway through an answer: its status came, its body did not. Lost like the above.
        if ((await res.arrayBuffer().catch(() => null)) === null) {
          if (kind === 3) unknown.add(input);
          continue;
        }
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        if (kind === 3 && res.status === 204) accepted.get(task.id)!.push(input);
      }
    };
    const load = Promise.all(Array.from({ length: 100 }, (_, n) => worker(n)));
    await new Promise((r) => setTimeout(r, 8000));
    const web = descendants(proc.child.pid!).find((p) => /next-server|bin\/web\.mjs/.test(p.argv.join(" ")))!;
    process.kill(web.pid, "SIGKILL");
    await load;

    const codes = [...statuses.keys()].sort();
    expect(codes.filter((c) => ![200, 204, 502, 503].includes(c)), JSON.stringify([...statuses])).toEqual([]);
    expect(statuses.get(200)).toBeGreaterThan(100);
    let acceptedCount = 0;
    for (const task of tasks) {
      await waitForState(client, task.id, "idle", 30_000);
      const inputs = (await client.logs("me", task.id)).logs.filter((l) => l.type === "input").map((l) => l.content);
      // Every accepted send and nothing that was refused (only sends whose answer was lost may be there too).
      // Answers may reach the clients in another order than the agent took the sends: compare as sets.
      expect(inputs.slice(2).filter((i) => !unknown.has(i)).sort()).toEqual([...accepted.get(task.id)!].sort());
      acceptedCount += accepted.get(task.id)!.length;
    }
    expect(acceptedCount).toBeGreaterThan(0);
    recordRecovery({
      fault: "100 clients for 20 s, web server SIGKILLed at 8 s",
      recoveredMs: null,
      lost: `nothing: ${acceptedCount} accepted sends all in the logs, no task stuck (answers: ${[...statuses].map(([c, n]) => `${n}×${c}`).join(", ")})`,
    });
  });
});
