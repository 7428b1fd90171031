import "server-only";
import { Webhooks } from "@octokit/webhooks";
import type { DbOrTx } from "../db/client";
import { listGitHubProvidersWithSecret } from "../db/queries/github-issues";
import type { GitProvider } from "../db/schema";
import { webhookSecretAad } from "../git-credentials/providers";
import { open } from "../git-credentials/secret-box";
import { logger } from "../logger";

/**
 * The GitHub providers whose webhook secret signed this body (`X-Hub-Signature-256`, checked by
 * `@octokit/webhooks` in constant time): usually one; none means the delivery is no one's.
 */
export async function providersThatSigned(db: DbOrTx, payload: string, signature: string | null): Promise<GitProvider[]> {
  if (!signature || !/^sha256=[0-9a-f]{64}$/i.test(signature)) return [];
  const signed: GitProvider[] = [];
  for (const provider of await listGitHubProvidersWithSecret(db)) {
    let secret: string;
    try {
      secret = open(provider.webhookSecretEncrypted!, webhookSecretAad(provider.id));
    } catch (err) {
      logger.warn({ err, provider: provider.host }, "a GitHub provider's webhook secret does not open with the secret key; its deliveries are refused");
      continue;
    }
    if (await new Webhooks({ secret }).verify(payload, signature)) signed.push(provider);
  }
  return signed;
}
