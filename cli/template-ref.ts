import fs from "node:fs/promises";
import type { Template, TaskyardClient, TemplateConfigInput } from "../lib/sdk/client";
import { UsageError } from "./errors";
import { doing } from "./task-ref";

/** A template by its name in the default organization (archived ones too: they can be shown, edited and unarchived). */
export const resolveTemplate = (client: TaskyardClient, name: string): Promise<Template> => doing(`find template "${name}"`, client.templateByName("default", name));

/** `v2` or `2`: a version by its name, as `taskyard templates versions` lists them. */
export const versionName = (ref: string) => (/^\d+$/.test(ref) ? `v${ref}` : ref);

/**
 * A template's `config` from a JSON file (`-` reads stdin): the object itself, or `{config: …}` as
 * `templates show -o json` prints a version, so one can be saved, edited and sent back.
 */
export async function readConfigFile(file: string): Promise<TemplateConfigInput> {
  const text = file === "-" ? await readStdin() : await fs.readFile(file, "utf8").catch((error: NodeJS.ErrnoException) => {
    throw new UsageError(`cannot read ${file}: ${error.code === "ENOENT" ? "no such file" : error.message}`);
  });
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${file} is not JSON: ${(error as Error).message}`);
  }
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) throw new UsageError(`${file} must hold a JSON object (the template's config)`);
  const object = parsed as Record<string, unknown>;
  return (object.config && typeof object.config === "object" ? object.config : object) as TemplateConfigInput;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}
