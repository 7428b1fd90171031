import fs from "node:fs/promises";
import path from "node:path";
import { gunzipSync } from "node:zlib";

/** A state file's name as the agent packs it (lib/agent/work-snapshot.ts): a name, or one directory and a name; nothing hidden, no `..`. */
const STATE_PATH = /^[A-Za-z0-9_][A-Za-z0-9_.-]*(\/[A-Za-z0-9_][A-Za-z0-9_.-]*)?$/;

/**
 * Writes a snapshot's agent state into `dir`, which the caller has just made (empty, root's, in
 * root's own directory: nothing in it can be a planted link), each file given to `owner` once
 * written. Returns the names written; a name that is not a plain state path is skipped.
 */
export async function writeAgentState(dir: string, packed: Buffer, owner?: number): Promise<string[]> {
  const files = JSON.parse(gunzipSync(packed, { maxOutputLength: 256 * 1024 * 1024 }).toString("utf8")) as Record<string, unknown>;
  const written: string[] = [];
  for (const [name, content] of Object.entries(files)) {
    if (!STATE_PATH.test(name) || typeof content !== "string") continue;
    const file = path.join(dir, name);
    const parent = path.dirname(file);
    if (parent !== dir) {
      await fs.mkdir(parent, { recursive: true, mode: 0o700 });
      if (owner !== undefined) await fs.lchown(parent, owner, owner);
    }
    await fs.writeFile(file, Buffer.from(content, "base64"), { flag: "wx", mode: 0o600 });
    if (owner !== undefined) await fs.lchown(file, owner, owner);
    written.push(name);
  }
  return written;
}
