import "server-only";
import type { DbOrTx } from "../db/client";
import { findTemplateVersion } from "../db/queries/templates";
import type { TemplateVersion } from "../db/schema";
import { reservedEnvName } from "../validation/templates";
import { openSecrets } from "./secrets";

/**
 * The one place a template version's own variables become an environment: its literal `env`
 * values and its secrets, opened with the server's key. The agent's environment (the driver) and
 * the setup script both take it from here; neither the map nor its values are ever logged or
 * sent in an API answer. Server variables passed through by name (`config.env`) are the
 * sandbox's business (lib/sandbox/environment.ts), not this map's.
 */
export function workspaceEnvironment(version: Pick<TemplateVersion, "id" | "config" | "secretsEncrypted">): Record<string, string> {
  return templateVariables(version).values;
}

/** A version's variables, and the values among them that are secrets (a log shows them redacted). */
export type TemplateVariables = { values: Record<string, string>; secretValues: string[] };

function templateVariables(version: Pick<TemplateVersion, "id" | "config" | "secretsEncrypted">): TemplateVariables {
  const secrets = openSecrets(version.id, version.secretsEncrypted);
  const values: Record<string, string> = { ...(version.config.env_values ?? {}), ...secrets };
  // Checked when saved; checked again here because a row may predate a rule (PATH, TASKYARD_* … stay Taskyard's).
  for (const name of Object.keys(values)) if (reservedEnvName(name)) delete values[name];
  return { values, secretValues: Object.values(secrets) };
}

/** The same for a version by id (a build's); a version that is gone has no variables. */
export async function templateVariablesOf(db: DbOrTx, templateVersionId: string): Promise<TemplateVariables> {
  const version = await findTemplateVersion(db, templateVersionId);
  return version ? templateVariables(version) : { values: {}, secretValues: [] };
}
