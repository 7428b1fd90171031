import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { findProgram, program, SYSTEM_PATH, SYSTEM_PROGRAMS } from "./system-programs";

const root = fs.mkdtempSync(path.join(os.tmpdir(), "taskyard-programs-"));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

/** A directory holding executables `names`, with `mode` for the directory. */
function bin(dirName: string, names: string[], mode = 0o755, fileMode = 0o755): string {
  const dir = path.join(root, dirName);
  fs.mkdirSync(dir, { recursive: true });
  for (const name of names) fs.writeFileSync(path.join(dir, name), "#!/bin/sh\necho planted\n", { mode: fileMode });
  fs.chmodSync(dir, mode);
  for (const name of names) fs.chmodSync(path.join(dir, name), fileMode);
  return dir;
}

describe("program", () => {
  it("is an absolute path in the system's directories for every program Taskyard runs that is installed here", () => {
    for (const name of ["sh", "git", "chown"] as const) {
      const found = program(name);
      expect(path.isAbsolute(found), name).toBe(true);
      expect(SYSTEM_PATH.split(":")).toContain(path.dirname(found));
    }
  });

  it("never comes from the inherited PATH (npm puts node_modules/.bin first on it), before start or after", async () => {
    const planted = bin("planted-bin", [...SYSTEM_PROGRAMS]);
    const before = process.env.PATH;
    process.env.PATH = `${planted}:${before}`;
    try {
      vi.resetModules();
      const fresh = await import("./system-programs");
      for (const name of ["sh", "git", "chown"] as const) {
        expect(fresh.program(name).startsWith(planted)).toBe(false);
        expect(program(name).startsWith(planted)).toBe(false);
      }
    } finally {
      process.env.PATH = before;
    }
  });

  it("throws a clear error for a program that is not installed", () => {
    expect(findProgram("no-such-program-taskyard")).toEqual({ missing: `no-such-program-taskyard is not installed (looked in ${SYSTEM_PATH})` });
  });
});

describe("findProgram", () => {
  it("takes the first executable regular file in the search path's order, skipping directories, others' non-executables and relative entries", () => {
    const first = bin("first", []);
    fs.mkdirSync(path.join(first, "tool")); // a directory of that name
    const second = bin("second", ["tool"], 0o755, 0o644); // not executable
    const third = bin("third", ["tool"]);
    const fourth = bin("fourth", ["tool"]);
    expect(findProgram("tool", ["relative/bin", first, second, third, fourth].join(":"))).toEqual({ path: path.join(third, "tool") });
  });

  it("refuses a program anyone may replace rather than falling through to another one", () => {
    const safe = bin("safe", ["tool"]);
    const worldWritableFile = bin("ww-file", ["tool"], 0o755, 0o757);
    expect(findProgram("tool", `${worldWritableFile}:${safe}`)).toEqual({ missing: `${path.join(worldWritableFile, "tool")} is writable by anyone` });
    const worldWritableDir = bin("ww-dir", ["tool"], 0o777);
    expect(findProgram("tool", `${worldWritableDir}:${safe}`)).toMatchObject({ missing: expect.stringContaining("which anyone may write to") });
    // A link in a safe directory to a program in a world-writable one is refused too.
    const linked = bin("linked", []);
    fs.symlinkSync(path.join(worldWritableDir, "tool"), path.join(linked, "tool"));
    expect(findProgram("tool", `${linked}:${safe}`)).toMatchObject({ missing: expect.stringContaining(worldWritableDir) });
    // World-writable with the sticky bit (like /tmp): others cannot replace what they do not own.
    const sticky = bin("sticky", ["tool"], 0o1777);
    expect(findProgram("tool", `${sticky}:${safe}`)).toEqual({ path: path.join(sticky, "tool") });
  });
});

describe("whyMissing", () => {
  it("says why a program cannot be run, for callers that can do without it", async () => {
    const { whyMissing } = await import("./system-programs");
    expect(whyMissing("sh")).toBeUndefined();
  });
});
