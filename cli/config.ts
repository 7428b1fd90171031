import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { TaskyardClient } from "../lib/sdk/client";

export type CliConfig = { url: string; token: string };

const file = () => path.join(process.env.XDG_CONFIG_HOME ?? path.join(os.homedir(), ".config"), "taskyard", "config.json");

export async function saveConfig(config: CliConfig): Promise<string> {
  await fs.mkdir(path.dirname(file()), { recursive: true, mode: 0o700 });
  await fs.writeFile(file(), JSON.stringify(config, null, 2), { mode: 0o600 });
  return file();
}

/** TASKYARD_URL / TASKYARD_TOKEN win over the file `taskyard login` writes. */
export async function loadClient(): Promise<TaskyardClient> {
  const saved = (await fs.readFile(file(), "utf8").then(JSON.parse, () => ({}))) as Partial<CliConfig>;
  const url = process.env.TASKYARD_URL || saved.url;
  const token = process.env.TASKYARD_TOKEN || saved.token;
  if (!url || !token) throw new Error("not logged in: run `taskyard login <url>` (or set TASKYARD_URL and TASKYARD_TOKEN)");
  return new TaskyardClient({ baseUrl: url, token });
}
