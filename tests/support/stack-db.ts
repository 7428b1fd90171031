import fs from "node:fs/promises";
import path from "node:path";

/** The URL of the embedded PostgreSQL a launcher started in `dataDir` (port from postmaster.pid). */
export async function databaseUrlOf(dataDir: string): Promise<string> {
  const password = (await fs.readFile(path.join(dataDir, "pg-password"), "utf8")).trim();
  const port = (await fs.readFile(path.join(dataDir, "pg", "postmaster.pid"), "utf8")).split("\n")[3].trim();
  return `postgres://taskyard:${password}@127.0.0.1:${port}/taskyard`;
}
