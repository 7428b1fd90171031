import "server-only";
import { sql } from "drizzle-orm";
import type { DbOrTx } from "../db/client";
import { isSealedWithCurrentKey, open, seal, type SecretKeys } from "../git-credentials/secret-box";

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

/** A key rotation (lib/git-credentials/rotate.ts): every template secret sealed with the previous key is sealed again with the current one. */
export async function reencryptTemplateSecrets(db: DbOrTx, keys: SecretKeys): Promise<number> {
  const rows = (await db.execute(sql`SELECT id, secrets_encrypted FROM template_versions WHERE secrets_encrypted <> '{}'::jsonb`)) as unknown as { id: string; secrets_encrypted: SealedSecrets }[];
  let count = 0;
  for (const row of rows) {
    const stale = Object.entries(row.secrets_encrypted).filter(([, sealed]) => !isSealedWithCurrentKey(sealed, keys));
    if (stale.length === 0) continue;
    const next = { ...row.secrets_encrypted };
    for (const [name, sealed] of stale) next[name] = seal(open(sealed, templateSecretAad(row.id, name), keys), templateSecretAad(row.id, name), keys.current);
    await db.execute(sql`UPDATE template_versions SET secrets_encrypted = ${JSON.stringify(next)}::jsonb WHERE id = ${row.id}`);
    count += stale.length;
  }
  return count;
}
