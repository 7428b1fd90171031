import { describe, expect, it } from "vitest";
import { BusyError, Semaphore } from "./semaphore";

const deferred = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
};

describe("Semaphore", () => {
  it("runs at most `limit` at once, queues up to `maxQueue` in order, and refuses the rest at once", async () => {
    const sem = new Semaphore(2, 2);
    const gates = Array.from({ length: 4 }, deferred);
    const started: number[] = [];
    const runs = gates.map((gate, i) =>
      sem.run(async () => {
        started.push(i);
        await gate.promise;
        return i;
      }),
    );
    await new Promise((r) => setTimeout(r, 0));
    expect(started).toEqual([0, 1]);
    expect(sem.stats).toEqual({ active: 2, waiting: 2 });
    await expect(sem.run(async () => 99)).rejects.toBeInstanceOf(BusyError);

    gates[1].resolve();
    await runs[1];
    await new Promise((r) => setTimeout(r, 0));
    expect(started).toEqual([0, 1, 2]);
    for (const gate of gates) gate.resolve();
    expect(await Promise.all(runs)).toEqual([0, 1, 2, 3]);
    expect(sem.stats).toEqual({ active: 0, waiting: 0 });
  });

  it("frees the slot when a task throws", async () => {
    const sem = new Semaphore(1, 0);
    await expect(sem.run(async () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    expect(await sem.run(async () => "ok")).toBe("ok");
  });
});
