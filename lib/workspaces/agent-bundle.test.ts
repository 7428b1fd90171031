import { execFileSync } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ensureAgentBundle } from "./agent-bundle";

let dir: string;
beforeEach(async () => (dir = await fs.mkdtemp(path.join(os.tmpdir(), "taskyard-agent-bundle-"))));
afterEach(() => fs.rm(dir, { recursive: true, force: true }));

const run = (file: string) => execFileSync(process.execPath, [file], { encoding: "utf8" }).trim();

describe("the agent bundle", () => {
  it("is plain JavaScript made once, and made again only when a file it was made from changes", async () => {
    const entry = path.join(dir, "entry.ts");
    const dep = path.join(dir, "greeting.ts");
    await fs.writeFile(dep, 'export const greeting: string = "first";\n');
    await fs.writeFile(entry, 'import { greeting } from "./greeting";\nconsole.log(greeting);\n');
    const outDir = path.join(dir, "out");

    const main = await ensureAgentBundle({ entry, outDir });
    expect(run(main)).toBe("first");
    const made = (await fs.stat(main)).mtimeMs;

    await new Promise((r) => setTimeout(r, 20));
    expect(await ensureAgentBundle({ entry, outDir })).toBe(main);
    expect((await fs.stat(main)).mtimeMs).toBe(made);

    // An imported file, not the entry, changes: the bundle follows.
    await fs.writeFile(dep, 'export const greeting: string = "second";\n');
    await ensureAgentBundle({ entry, outDir });
    expect(run(main)).toBe("second");
  });

  it("starts an echo agent without loading zod (760 KB, ~70 ms of CPU per start): only Claude Code and AgentAPI's code import it", async () => {
    const main = await ensureAgentBundle();
    const loaded = new Set<string>();
    const follow = async (file: string) => {
      if (loaded.has(file)) return;
      loaded.add(file);
      const code = await fs.readFile(file, "utf8");
      // Static imports and re-exports, with or without names; not `import(…)`, whose chunks load on demand.
      for (const [, chunk] of code.matchAll(/^(?:import|export)(?!\s*\()[^;"]*?"(\.\/[^"]+)"/gm)) await follow(path.join(path.dirname(file), chunk));
    };
    await follow(main);
    expect(loaded.size).toBeGreaterThan(1); // the walk found the shared chunks
    for (const file of loaded) expect(await fs.readFile(file, "utf8"), path.basename(file)).not.toContain("ZodError");
  });
});
