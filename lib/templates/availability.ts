import "server-only";
import fs from "node:fs";
import path from "node:path";
import type { TemplateConfig } from "../db/schema/templates";
import { searchPath } from "../agent-env";
import { env } from "../env";
import { withShippedPrograms } from "../agent/shipped-programs";

export type Availability = { available: boolean; unavailable_reason: string };

function onPath(command: string, where = searchPath()): boolean {
  const candidates = command.includes("/") ? [command] : where.split(path.delimiter).filter(Boolean).map((dir) => path.join(dir, command));
  return candidates.some((file) => {
    try {
      fs.accessSync(file, fs.constants.X_OK);
      return fs.statSync(file).isFile();
    } catch {
      return false;
    }
  });
}

const no = (reason: string): Availability => ({ available: false, unavailable_reason: reason });

/**
 * The model keys an ACP agent's template may declare, by provider: a template that declares any
 * of a group needs one of that group set on the server (Anthropic's goes through the model gateway).
 */
const MODEL_KEYS: { names: (keyof ReturnType<typeof env>)[]; says: string }[] = [
  { names: ["ANTHROPIC_API_KEY"], says: "ANTHROPIC_API_KEY" },
  { names: ["GEMINI_API_KEY", "GOOGLE_API_KEY"], says: "GEMINI_API_KEY or GOOGLE_API_KEY" },
];

function acpAvailability(config: TemplateConfig): Availability {
  const command = config.command?.[0];
  if (!command) return no("The template has no ACP command.");
  // As the acp brain looks it up: PATH, then the agents Taskyard ships.
  if (!onPath(command, withShippedPrograms(searchPath()))) return no(`\`${command}\` is not installed on the Taskyard server (not found on PATH).`);
  const declared = config.env ?? [];
  const settings = env();
  const missing = MODEL_KEYS.find((key) => key.names.some((name) => declared.includes(name)) && !key.names.some((name) => settings[name]));
  if (missing) return no(`\`${command}\` needs ${missing.says} set on the Taskyard server.`);
  return { available: true, unavailable_reason: "" };
}

/** Can a task of this template run on this server? If not, why, in words a user can act on. */
export function templateAvailability(config: TemplateConfig | null): Availability {
  switch (config?.brain) {
    case "claude-code":
      return env().ANTHROPIC_API_KEY ? { available: true, unavailable_reason: "" } : no("Claude Code needs ANTHROPIC_API_KEY set on the Taskyard server.");
    case "agentapi": {
      const command = config.command?.[0];
      if (!command) return no("The template has no AgentAPI command.");
      return onPath(command) ? { available: true, unavailable_reason: "" } : no(`\`${command}\` is not installed on the Taskyard server (not found on PATH).`);
    }
    case "acp":
      return acpAvailability(config);
    case "echo":
      return { available: true, unavailable_reason: "" };
    default:
      return no("The template has no active version.");
  }
}
