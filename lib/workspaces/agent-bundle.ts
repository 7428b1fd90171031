import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { logger } from "../logger";

const ROOT = path.resolve(import.meta.dirname, "../..");
/** Where the agent bundle lives; the sandbox binds it read-only (lib/sandbox/bubblewrap.ts). */
export const AGENT_BUNDLE_DIR = path.join(ROOT, "dist", "agent");
const AGENT_ENTRY = path.join(ROOT, "cli", "agent-main.ts");
/** Bumped when the options below change: a bundle made with other options is stale. */
const RECIPE = `1 node${process.versions.node.split(".")[0]}`;
/**
 * Stay packages: Claude Code's SDK finds and spawns its own CLI binary next to itself. Node's
 * builtins are external on platform "node" anyway.
 */
const EXTERNAL = ["@anthropic-ai/claude-agent-sdk"];

type Manifest = { fingerprint: string; inputs: string[] };

/** Paths, sizes and mtimes of exactly the files the last bundle was made from (esbuild's metafile). */
async function fingerprint(inputs: string[]): Promise<string | null> {
  const lines: string[] = [RECIPE];
  for (const input of inputs) {
    const stat = await fs.stat(input).catch(() => null);
    if (!stat) return null; // a file it was made from is gone: make it again
    lines.push(`${input}:${stat.size}:${stat.mtimeMs}`);
  }
  return createHash("sha256").update(lines.join("\n")).digest("hex");
}

/** Written to a temporary name and renamed: an agent starting meanwhile reads the old file or the new one, never half of one. */
async function writeAtomically(file: string, contents: Uint8Array | string) {
  const temporary = `${file}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  await fs.writeFile(temporary, contents);
  await fs.rename(temporary, file);
}

async function bundle(entry: string, outDir: string): Promise<void> {
  logger.info("bundling the agent (esbuild); this happens once after each change");
  // Loaded only to (re)make the bundle: a provisioner with a fresh bundle never loads esbuild.
  const { build } = await import("esbuild");
  const result = await build({
    entryPoints: { main: entry },
    bundle: true,
    // Code loaded on demand (the AgentAPI brain and its zod, Claude Code) stays in chunks of its own: an echo agent never reads them.
    splitting: true,
    format: "esm",
    platform: "node",
    target: `node${process.versions.node.split(".")[0]}`,
    outdir: outDir,
    entryNames: "[name]",
    chunkNames: "[name]-[hash]",
    outExtension: { ".js": ".mjs" },
    external: EXTERNAL,
    // Bundled CommonJS packages (commander) `require` Node's builtins; an ES module has no `require` of its own.
    banner: { js: 'import { createRequire as __createRequire } from "node:module"; const require = __createRequire(import.meta.url);' },
    metafile: true,
    write: false,
    logLevel: "warning",
  });
  await fs.mkdir(outDir, { recursive: true });
  const entryFile = path.join(outDir, "main.mjs");
  // Chunks first, the entry that imports them last. Chunk names carry their content's hash, so an
  // older entry still running keeps finding its own.
  const files = result.outputFiles.sort((a, b) => Number(a.path === entryFile) - Number(b.path === entryFile));
  for (const file of files) await writeAtomically(file.path, file.contents);
  const inputs = Object.keys(result.metafile.inputs).map((input) => path.resolve(input));
  const manifest: Manifest = { fingerprint: (await fingerprint(inputs))!, inputs };
  await writeAtomically(path.join(outDir, "manifest.json"), JSON.stringify(manifest));
}

const inFlight = new Map<string, Promise<string>>();

/**
 * The agent as plain JavaScript (`node <returned path> agent …`), made again with esbuild when any
 * file it was made from changed since (cheap to ask: a stat per input, no reads). `ensure-build`
 * makes it like the web app, and the local driver asks again before each agent starts, so a
 * changed checkout never runs an old agent.
 */
export function ensureAgentBundle(options: { entry?: string; outDir?: string; force?: boolean } = {}): Promise<string> {
  const entry = options.entry ?? AGENT_ENTRY;
  const outDir = options.outDir ?? AGENT_BUNDLE_DIR;
  const entryFile = path.join(outDir, "main.mjs");
  // Builds that start agents side by side ask at the same moment: one check answers them all.
  let check = inFlight.get(outDir);
  if (!check || options.force) {
    check = (async () => {
      const manifest = (await fs.readFile(path.join(outDir, "manifest.json"), "utf8").then(JSON.parse, () => null)) as Manifest | null;
      const fresh = !options.force && manifest && (await fingerprint(manifest.inputs)) === manifest.fingerprint;
      const hasEntry = await fs.stat(entryFile).then(() => true, () => false);
      if (!fresh || !hasEntry) await bundle(entry, outDir);
      return entryFile;
    })().finally(() => inFlight.delete(outDir));
    inFlight.set(outDir, check);
  }
  return check;
}
