import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { inheritedEnvironment } from "../agent-env";
import { logger } from "../logger";
import { ensureAgentBundle } from "../workspaces/agent-bundle";

const ROOT = path.resolve(import.meta.dirname, "../..");
const INPUTS = ["app", "components", "hooks", "lib", "templates", "public", "proxy.ts", "next.config.ts", "package-lock.json", "tsconfig.json", "postcss.config.mjs"];
const STAMP = path.join(ROOT, ".next", "taskyard-source-hash");

async function walk(entry: string, out: string[]): Promise<void> {
  const stat = await fs.stat(entry).catch(() => null);
  if (!stat) return;
  if (!stat.isDirectory()) {
    if (!/\.test\.tsx?$/.test(entry)) out.push(`${path.relative(ROOT, entry)}:${stat.size}:${stat.mtimeMs}`);
    return;
  }
  for (const name of (await fs.readdir(entry)).sort()) await walk(path.join(entry, name), out);
}

/** A fingerprint of everything `next build` reads: paths, sizes and mtimes (cheap, no file reads). */
export async function sourceFingerprint(): Promise<string> {
  const lines: string[] = [];
  for (const input of INPUTS) await walk(path.join(ROOT, input), lines);
  return createHash("sha256").update(lines.join("\n")).digest("hex");
}

/** Runs `next build` when there is no build or the sources changed since the last one, and makes the agent bundle likewise. */
export async function ensureBuild({ force = false } = {}): Promise<void> {
  await ensureAgentBundle({ force });
  const fingerprint = await sourceFingerprint();
  const built = await fs.readFile(STAMP, "utf8").catch(() => "");
  const hasBuild = await fs.stat(path.join(ROOT, ".next", "BUILD_ID")).then(() => true, () => false);
  if (!force && hasBuild && built === fingerprint) return;
  logger.info("building the web app (next build); this happens once after each change");
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(ROOT, "node_modules/next/dist/bin/next"), "build"], {
      cwd: ROOT,
      stdio: "inherit",
      env: { ...inheritedEnvironment(), NEXT_TELEMETRY_DISABLED: "1", NODE_ENV: "production" },
    });
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`next build failed with exit code ${code}`))));
  });
  // `next build` may touch tsconfig.json: fingerprint what it leaves behind.
  await fs.writeFile(STAMP, await sourceFingerprint());
}

export const PROJECT_ROOT = ROOT;
