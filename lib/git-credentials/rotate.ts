import "server-only";
import fs from "node:fs";
import path from "node:path";
import type { DbOrTx } from "../db/client";
import { allSealedSecrets, replaceSealedToken, replaceSealedWebhookSecret } from "../db/queries/git-credentials";
import { allSealedWebhookSecrets, replaceSealedWebhookEndpointSecret } from "../db/queries/webhooks";
import { dataDir, env } from "../env";
import { webhookSecretAad } from "../webhooks/secret-aad";
import { reencryptTemplateSecrets } from "../templates/secrets";
import { forgetSecretKeys, isSealedWithCurrentKey, open, PREVIOUS_SECRET_KEY_FILE, seal, SECRET_KEY_FILE, secretKeys, type SecretKeys } from "./secret-box";

/**
 * At every start: anything sealed with the previous key (a rotation under way) is sealed again
 * with the current one, then the data dir's previous key is deleted. Nothing to do costs one query.
 */
export async function reencryptSecrets(db: DbOrTx, keys: SecretKeys = secretKeys()): Promise<{ reencrypted: number }> {
  const { credentials, providers } = await allSealedSecrets(db);
  let reencrypted = 0;
  for (const row of credentials) {
    if (isSealedWithCurrentKey(row.sealed, keys)) continue;
    const aad = `git-credential:${row.userId}`;
    await replaceSealedToken(db, row.id, seal(open(row.sealed, aad, keys), aad, keys.current));
    reencrypted++;
  }
  for (const row of providers) {
    if (!row.sealed || isSealedWithCurrentKey(row.sealed, keys)) continue;
    const aad = `git-provider:${row.id}`;
    await replaceSealedWebhookSecret(db, row.id, seal(open(row.sealed, aad, keys), aad, keys.current));
    reencrypted++;
  }
  for (const row of await allSealedWebhookSecrets(db)) {
    if (isSealedWithCurrentKey(row.sealed, keys)) continue;
    const aad = webhookSecretAad(row.id);
    await replaceSealedWebhookEndpointSecret(db, row.id, seal(open(row.sealed, aad, keys), aad, keys.current));
    reencrypted++;
  }
  reencrypted += await reencryptTemplateSecrets(db, keys);
  // Only the process's own keys come from the data dir (a caller's explicit keys do not).
  if (keys === secretKeys() && keys.previous && !env().TASKYARD_SECRET_KEY) fs.rmSync(path.join(dataDir(), PREVIOUS_SECRET_KEY_FILE), { force: true });
  return { reencrypted };
}

/**
 * `taskyard secret-key rotate` for the data dir's key: the current key becomes `secret-key.previous`
 * and a new `secret-key` is made; the next server start re-encrypts every secret and deletes the
 * previous key. Refused while a rotation is still pending (its previous key would be lost).
 */
export function rotateDataDirSecretKey(): { file: string } {
  const dir = dataDir();
  const file = path.join(dir, SECRET_KEY_FILE);
  const previous = path.join(dir, PREVIOUS_SECRET_KEY_FILE);
  if (fs.existsSync(previous)) throw new Error(`${previous} exists: a rotation is still pending; start the server once (it re-encrypts and deletes it), then rotate again`);
  if (fs.existsSync(file)) fs.renameSync(file, previous);
  forgetSecretKeys();
  secretKeys(); // makes the new key
  return { file };
}
