import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { afterEach, describe, expect, it } from "vitest";
import { fromProc, fromPs, processInfo } from "./process-info";

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill("SIGKILL");
});

function start(script: string): ChildProcess {
  const child = spawn("sh", ["-c", script], { stdio: ["ignore", "pipe", "ignore"] });
  children.push(child);
  return child;
}

async function firstLine(child: ChildProcess): Promise<string> {
  const [chunk] = (await once(child.stdout!, "data")) as [Buffer];
  return chunk.toString().trim();
}

// Both ways are run here: /proc is what Linux uses, `ps` what macOS uses (and Linux has).
describe.each([
  ["/proc", fromProc],
  ["ps", fromPs],
])("process info from %s", (_, read) => {
  it("gives a live process's command line, with its arguments", async () => {
    const child = start("exec sleep 30.123");
    await new Promise((r) => setTimeout(r, 100));
    expect(read(child.pid!)?.commandLine).toBe("sleep 30.123");
  });

  it("counts a zombie (exited, not yet reaped) as gone", async () => {
    // The background sleep exits at once; its parent becomes `sleep 30`, which never reaps it.
    const child = start("sleep 0 & echo $!; exec sleep 30.5");
    const zombie = Number(await firstLine(child));
    await new Promise((r) => setTimeout(r, 300));
    expect(read(zombie)).toBeNull();
    expect(read(child.pid!)?.commandLine).toBe("sleep 30.5");
  });

  it("says nothing of a process that has ended", async () => {
    const child = start("exec sleep 30");
    child.kill("SIGKILL");
    await once(child, "exit");
    expect(read(child.pid!)).toBeNull();
  });
});

it("refuses pids that name no single process", () => {
  for (const pid of [0, -1, 1.5, Number.NaN]) expect(processInfo(pid)).toBeNull();
});
