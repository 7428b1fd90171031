import "server-only";
import { open, seal } from "../git-credentials/secret-box";

/**
 * A template version's secrets at rest: `{NAME: sealed value}`, each sealed with the server's key
 * (lib/git-credentials/secret-box.ts) and bound to its version and name, so a value copied onto
 * another version or name does not open. Names stay readable: the API lists them, never values.
 */
export const templateSecretAad = (versionId: string, name: string) => `template-secret:${versionId}:${name}`;

export type SealedSecrets = Record<string, string>;

/**
 * The secrets of a new version: the base version's (the template's active one), then the request's
 * changes on top (`NAME: value` sets or replaces, `NAME: null` removes; names not given are kept).
 * Every value is sealed again to the new version.
 */
export function sealVersionSecrets(input: {
  versionId: string;
  base: { id: string; sealed: SealedSecrets } | null;
  changes: Record<string, string | null> | undefined;
}): SealedSecrets {
  const plain = input.base ? openSecrets(input.base.id, input.base.sealed) : {};
  for (const [name, value] of Object.entries(input.changes ?? {})) {
    if (value === null) delete plain[name];
    else plain[name] = value;
  }
  return Object.fromEntries(Object.entries(plain).map(([name, value]) => [name, seal(value, templateSecretAad(input.versionId, name))]));
}

/** The plain values, for the one place they are used: a workspace's environment (lib/templates/workspace-env.ts). */
export function openSecrets(versionId: string, sealed: SealedSecrets): Record<string, string> {
  return Object.fromEntries(Object.entries(sealed).map(([name, value]) => [name, open(value, templateSecretAad(versionId, name))]));
}

export const secretNames = (sealed: SealedSecrets) => Object.keys(sealed).sort();
