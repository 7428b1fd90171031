import fs from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { acquireInstanceLock, DataDirInUseError, lockName } from "./instance-lock";

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function dataDir() {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "taskyard-lock-"));
  cleanups.push(() => fs.rm(dir, { recursive: true, force: true }));
  return dir;
}

describe("acquireInstanceLock", () => {
  it("lets one holder have a data dir; a second is told it is in use by another server", async () => {
    const dir = await dataDir();
    const lock = await acquireInstanceLock(dir);
    cleanups.push(() => lock.release());
    const second = acquireInstanceLock(dir);
    await expect(second).rejects.toBeInstanceOf(DataDirInUseError);
    await expect(second).rejects.toThrow(`${dir} is in use by another Taskyard server; stop it first or set TASKYARD_DATA_DIR`);
    await lock.release();
    cleanups.pop();
    const again = await acquireInstanceLock(dir);
    await again.release();
  });

  it("names no pid, whatever a squatter on the name answers (a sandbox could bind it and name any process)", async () => {
    const dir = await dataDir();
    const squatter = net.createServer((socket) => socket.end("1"));
    await new Promise<void>((resolve) => squatter.listen(lockName(dir), resolve));
    cleanups.push(() => new Promise((resolve) => squatter.close(resolve)));
    const refused = await acquireInstanceLock(dir).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(refused).toBeInstanceOf(DataDirInUseError);
    expect(refused!.message.replace(dir, "")).not.toMatch(/pid|\d/);
  });
});
