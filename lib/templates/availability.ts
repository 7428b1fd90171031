import "server-only";
import fs from "node:fs";
import path from "node:path";
import type { TemplateConfig } from "../db/schema/templates";
import { searchPath } from "../agent-env";
import { env } from "../env";

export type Availability = { available: boolean; unavailable_reason: string };

function onPath(command: string): boolean {
  const candidates = command.includes("/") ? [command] : searchPath().split(path.delimiter).filter(Boolean).map((dir) => path.join(dir, command));
  return candidates.some((file) => {
    try {
      fs.accessSync(file, fs.constants.X_OK);
      return fs.statSync(file).isFile();
    } catch {
      return false;
    }
  });
}

/** Can a task of this template run on this server? If not, why, in words a user can act on. */
export function templateAvailability(config: TemplateConfig | null): Availability {
  const no = (reason: string) => ({ available: false, unavailable_reason: reason });
  switch (config?.brain) {
    case "claude-code":
      return env().ANTHROPIC_API_KEY ? { available: true, unavailable_reason: "" } : no("Claude Code needs ANTHROPIC_API_KEY set on the Taskyard server.");
    case "agentapi": {
      const command = config.command?.[0];
      if (!command) return no("The template has no AgentAPI command.");
      return onPath(command) ? { available: true, unavailable_reason: "" } : no(`\`${command}\` is not installed on the Taskyard server (not found on PATH).`);
    }
    case "echo":
      return { available: true, unavailable_reason: "" };
    default:
      return no("The template has no active version.");
  }
}
