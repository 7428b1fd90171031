import { spawn } from "node:child_process";
import { once } from "node:events";
import fs from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { acquireInstanceLock, DataDirInUseError, lockName, lockSocketPath } from "./instance-lock";

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

// Where there is no abstract namespace (macOS) the lock is a socket file in the data dir.
describe("acquireInstanceLock with a socket file", () => {
  it("lets one holder have a data dir, and takes over the file a killed holder left behind", async () => {
    const dir = await dataDir();
    const lock = await acquireInstanceLock(dir, { abstract: false });
    await expect(acquireInstanceLock(dir, { abstract: false })).rejects.toBeInstanceOf(DataDirInUseError);
    await lock.release();

    // Another process holds it and is killed: its socket file stays, and nobody answers on it.
    const holder = spawn(process.execPath, ["-e", `require("net").createServer().listen(${JSON.stringify(lockSocketPath(dir))}, () => console.log("held"))`], { stdio: ["ignore", "pipe", "ignore"] });
    await once(holder.stdout!, "data");
    await expect(acquireInstanceLock(dir, { abstract: false })).rejects.toBeInstanceOf(DataDirInUseError);
    holder.kill("SIGKILL");
    await once(holder, "exit");
    await expect(fs.stat(lockSocketPath(dir))).resolves.toBeTruthy();
    const taken = await acquireInstanceLock(dir, { abstract: false });
    await taken.release();
  });
});
