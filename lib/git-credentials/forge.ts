import "server-only";
import { ApiError } from "../api/errors";
import type { GitProvider } from "../db/schema";
import { FORGE_TIMEOUT_MS, forgeDeadline, forgeStatusOf, githubClient, gitlabClient } from "./forge-clients";

export { FORGE_TIMEOUT_MS } from "./forge-clients";

export type TokenOwner = { login: string; scopes: string[] | null };

/**
 * Whose token this is, asked of the forge with the token itself (so a typo is a 400 when it is
 * saved, not a failed clone later). Only the owner-configured provider's `api_url` is contacted,
 * never a URL a user chose. Errors never carry the token or the request (whose headers hold it).
 */
export async function verifyToken(provider: Pick<GitProvider, "kind" | "apiUrl" | "host">, token: string, username?: string): Promise<TokenOwner> {
  if (provider.kind === "generic") return { login: username || "git", scopes: null };
  const deadline = forgeDeadline();
  try {
    return provider.kind === "github" ? await githubOwner(provider.apiUrl, token, deadline) : await gitlabOwner(provider.apiUrl, token, deadline);
  } catch (error) {
    throw forgeError(provider.host, error, deadline);
  }
}

async function githubOwner(apiUrl: string, token: string, deadline: AbortSignal): Promise<TokenOwner> {
  const { data, headers } = await githubClient({ apiUrl, token, deadline }).rest.users.getAuthenticated();
  // Classic tokens list their scopes; fine-grained tokens send the header empty or not at all.
  const header = headers["x-oauth-scopes"];
  const scopes = typeof header === "string" ? header.split(",").map((s) => s.trim()).filter(Boolean) : null;
  return { login: data.login, scopes: scopes && scopes.length ? scopes : header === undefined ? null : [] };
}

async function gitlabOwner(apiUrl: string, token: string, deadline: AbortSignal): Promise<TokenOwner> {
  const api = gitlabClient({ apiUrl, token, deadline });
  const user = await api.Users.showCurrentUser();
  // Only personal access tokens can describe themselves; other kinds of token still work for git.
  const self = await api.PersonalAccessTokens.show().catch(() => undefined);
  const scopes = Array.isArray(self?.scopes) ? self.scopes.map(String) : null;
  return { login: String(user.username), scopes };
}

function forgeError(host: string, error: unknown, deadline: AbortSignal): ApiError {
  const status = forgeStatusOf(error);
  if (status === 401 || status === 403) {
    return ApiError.badRequest(`${host} did not accept this token.`, [{ field: "token", detail: `${host} answered ${status}: the token is wrong, expired or revoked` }]);
  }
  if (status !== undefined) return new ApiError(502, `${host} answered ${status} when asked whose token this is.`);
  const timedOut = deadline.aborted || (error instanceof Error && /timeout|timed out|abort/i.test(`${error.name} ${error.message}`));
  return new ApiError(502, timedOut ? `${host} did not answer within ${FORGE_TIMEOUT_MS / 1000} s.` : `${host} could not be reached.`);
}
