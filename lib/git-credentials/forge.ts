import "server-only";
import { Gitlab } from "@gitbeaker/rest";
import { Octokit } from "@octokit/rest";
import { ApiError } from "../api/errors";
import type { GitProvider } from "../db/schema";
import { VERSION } from "../version";

/** A forge that does not answer within this long is "unreachable" (502), not a hung request. */
export const FORGE_TIMEOUT_MS = 15_000;

export type TokenOwner = { login: string; scopes: string[] | null };

/**
 * Whose token this is, asked of the forge with the token itself (so a typo is a 400 when it is
 * saved, not a failed clone later). Only the owner-configured provider's `api_url` is contacted,
 * never a URL a user chose. Errors never carry the token or the request (whose headers hold it).
 */
export async function verifyToken(provider: Pick<GitProvider, "kind" | "apiUrl" | "host">, token: string, username?: string): Promise<TokenOwner> {
  if (provider.kind === "generic") return { login: username || "git", scopes: null };
  try {
    return provider.kind === "github" ? await githubOwner(provider.apiUrl, token) : await gitlabOwner(provider.apiUrl, token);
  } catch (error) {
    throw forgeError(provider.host, error);
  }
}

async function githubOwner(apiUrl: string, token: string): Promise<TokenOwner> {
  const octokit = new Octokit({
    auth: token,
    baseUrl: apiUrl,
    userAgent: `taskyard/${VERSION}`,
    // No redirects (the API answers, or it does not) and a deadline for each request.
    request: { fetch: (url: string, init: RequestInit) => fetch(url, { ...init, redirect: "error", signal: AbortSignal.timeout(FORGE_TIMEOUT_MS) }), retries: 0 },
    log: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
  });
  const { data, headers } = await octokit.rest.users.getAuthenticated();
  // Classic tokens list their scopes; fine-grained tokens send the header empty or not at all.
  const header = headers["x-oauth-scopes"];
  const scopes = typeof header === "string" ? header.split(",").map((s) => s.trim()).filter(Boolean) : null;
  return { login: data.login, scopes: scopes && scopes.length ? scopes : header === undefined ? null : [] };
}

/** Gitbeaker appends `/api/v4` to its `host`: the provider's api_url without it. */
function gitlabHost(apiUrl: string): string {
  return apiUrl.replace(/\/api\/v4\/?$/, "");
}

async function gitlabOwner(apiUrl: string, token: string): Promise<TokenOwner> {
  const api = new Gitlab({ host: gitlabHost(apiUrl), token, queryTimeout: FORGE_TIMEOUT_MS });
  const user = await api.Users.showCurrentUser();
  // Only personal access tokens can describe themselves; other kinds of token still work for git.
  const self = await api.PersonalAccessTokens.show().catch(() => undefined);
  const scopes = Array.isArray(self?.scopes) ? self.scopes.map(String) : null;
  return { login: String(user.username), scopes };
}

/** The forge's HTTP status, if it answered at all (Octokit reports a failed connection as a 500 without a response). */
function statusOf(error: unknown): number | undefined {
  const e = error as { response?: { status?: unknown }; cause?: { response?: { status?: unknown } } };
  if (typeof e?.response?.status === "number") return e.response.status;
  if (typeof e?.cause?.response?.status === "number") return e.cause.response.status;
  return undefined;
}

function forgeError(host: string, error: unknown): ApiError {
  const status = statusOf(error);
  if (status === 401 || status === 403) {
    return ApiError.badRequest(`${host} did not accept this token.`, [{ field: "token", detail: `${host} answered ${status}: the token is wrong, expired or revoked` }]);
  }
  if (status !== undefined) return new ApiError(502, `${host} answered ${status} when asked whose token this is.`);
  const timedOut = error instanceof Error && /timeout|timed out|abort/i.test(`${error.name} ${error.message}`);
  return new ApiError(502, timedOut ? `${host} did not answer within ${FORGE_TIMEOUT_MS / 1000} s.` : `${host} could not be reached.`);
}
