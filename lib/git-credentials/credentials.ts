import "server-only";
import type { z } from "zod";
import { ApiError } from "../api/errors";
import type { DbOrTx } from "../db/client";
import { deleteGitCredential, findGitCredentialForHost, findGitProviderByHost, listGitCredentials, touchGitCredential, upsertGitCredential } from "../db/queries/git-credentials";
import type { GitCredential, GitProviderKind } from "../db/schema";
import type { GitCredentialAnswer } from "../git";
import { isUuid } from "../validation/common";
import type { CreateGitCredentialRequest } from "../validation/git-credentials";
import type { gitCredentialResponse } from "../validation/responses";
import { verifyToken } from "./forge";
import { open, seal } from "./secret-box";

/** A token opens only on its own user's rows: a ciphertext copied onto another user's row does not decrypt. */
const tokenAad = (userId: string) => `git-credential:${userId}`;

export function toGitCredentialResponse(row: { credential: GitCredential; host: string; kind: GitProviderKind }): z.output<typeof gitCredentialResponse> {
  const { credential } = row;
  return {
    id: credential.id,
    host: row.host,
    provider_id: credential.providerId,
    provider_kind: row.kind,
    login: credential.login,
    scopes: credential.scopes,
    token_last4: credential.tokenLast4,
    created_at: credential.createdAt.toISOString(),
    last_used_at: credential.lastUsedAt?.toISOString() ?? null,
  };
}

/** A host with no configured provider: a credential there would be used for nothing and checked against nothing. */
function noProvider(host: string): ApiError {
  return ApiError.invalidField("host", `no git provider is configured for ${host}; the owner adds providers (Settings → Git providers or \`taskyard providers add\`)`, `No git provider for ${host}.`);
}

/**
 * Saves (or replaces) the user's token for a configured provider's host, after asking the forge
 * whose it is: a bad token is a 400 now, not a failed clone or push later.
 */
export async function saveGitCredential(db: DbOrTx, userId: string, request: CreateGitCredentialRequest) {
  const provider = await findGitProviderByHost(db, request.host);
  if (!provider) throw noProvider(request.host);
  const owner = await verifyToken(provider, request.token, request.username);
  const credential = await upsertGitCredential(db, {
    userId,
    providerId: provider.id,
    login: owner.login,
    scopes: owner.scopes,
    tokenEncrypted: seal(request.token, tokenAad(userId)),
    tokenLast4: request.token.slice(-4),
  });
  return toGitCredentialResponse({ credential, host: provider.host, kind: provider.kind });
}

export async function listUserGitCredentials(db: DbOrTx, userId: string) {
  return (await listGitCredentials(db, userId)).map(toGitCredentialResponse);
}

export async function removeGitCredential(db: DbOrTx, userId: string, id: string): Promise<void> {
  if (!isUuid(id) || !(await deleteGitCredential(db, userId, id))) throw ApiError.notFound();
}

export type HostCredential = { id: string; token: string; login: string; providerKind: GitProviderKind; plainHttpAllowed: boolean };

/**
 * The user's token for a host (`host[:port]`, as a repository URL names it), decrypted, or null
 * when they have none. The one way server code gets a token: for clone now, push and pull
 * requests later. The answer stays in memory; callers hand it to git with `gitCredentialAnswer`.
 */
export async function credentialForHost({ db, userId, host }: { db: DbOrTx; userId: string; host: string }): Promise<HostCredential | null> {
  const row = await findGitCredentialForHost(db, userId, host);
  if (!row) return null;
  return {
    id: row.credential.id,
    token: open(row.credential.tokenEncrypted, tokenAad(userId)),
    login: row.credential.login,
    providerKind: row.kind,
    plainHttpAllowed: plainHttpAllowed({ kind: row.kind, apiUrl: row.apiUrl }),
  };
}

/** Records that a credential was just used (shown as `last_used_at`). */
export const markGitCredentialUsed = (db: DbOrTx, id: string) => touchGitCredential(db, id);

/**
 * What git's credential protocol answers over HTTP(S) Basic auth: GitHub wants the token as the
 * password of `x-access-token`, GitLab of `oauth2`; a generic host gets the login it was saved with.
 */
export function gitCredentialAnswer(origin: string, credential: HostCredential): GitCredentialAnswer {
  const username = credential.providerKind === "github" ? "x-access-token" : credential.providerKind === "gitlab" ? "oauth2" : credential.login;
  return { origin, username, password: credential.token };
}

/** `scheme://host[:port]` and `host[:port]` of an http(s) repository URL; undefined for any other kind. */
export function httpOrigin(url: string): { origin: string; host: string } | undefined {
  if (!/^https?:\/\//i.test(url)) return undefined;
  try {
    const parsed = new URL(url);
    return { origin: parsed.origin, host: parsed.host.toLowerCase() };
  } catch {
    return undefined;
  }
}

/**
 * A token goes over plain http only to a host whose owner-configured provider speaks http itself
 * (its API URL is http://, as a lab's git server's is) or is generic: `http://github.com/…` would
 * hand the token to anyone on the path who answers 401.
 */
export function plainHttpAllowed(provider: { kind: GitProviderKind; apiUrl: string }): boolean {
  return provider.kind === "generic" || provider.apiUrl.startsWith("http://");
}

/**
 * At create: a repository on a configured provider's host needs the owner's credential for it
 * (a 400 saying where to add one), over https unless the provider speaks http; hosts no provider
 * names are cloned as before (public).
 */
export async function assertCredentialForRepository(db: DbOrTx, ownerId: string, url: string, field: string): Promise<void> {
  const found = httpOrigin(url);
  if (!found) return;
  const provider = await findGitProviderByHost(db, found.host);
  if (!provider) return;
  if (found.origin.startsWith("http://") && !plainHttpAllowed(provider)) {
    throw ApiError.invalidField(field, `must be https:// for ${found.host}: your git credential is never sent over plain http to it`);
  }
  if (await findGitCredentialForHost(db, ownerId, found.host)) return;
  const where = whereToAddCredential(found.host);
  throw ApiError.badRequest(`No git credential for ${found.host}: ${where}.`, [{ field, detail: `needs the owner's git credential for ${found.host}: ${where}` }]);
}

/** Where a user adds the credential a host needs: said by every error about a missing one. */
export function whereToAddCredential(host: string): string {
  return `add a git credential for ${host} in Settings → Git credentials or with \`taskyard git-credentials add\``;
}
