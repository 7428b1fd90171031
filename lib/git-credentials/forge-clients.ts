import "server-only";
import { Gitlab } from "@gitbeaker/rest";
import { createRequesterFn, type RequestOptions } from "@gitbeaker/requester-utils";
import { Octokit } from "@octokit/rest";
import { VERSION } from "../version";

/** A forge that does not answer within this long is "unreachable" (502), not a hung request. */
export const FORGE_TIMEOUT_MS = 15_000;

/**
 * One deadline for a whole conversation with a forge (every request of one operation shares it),
 * so a lookup followed by a create cannot take twice the time a caller was promised.
 */
export function forgeDeadline(ms = FORGE_TIMEOUT_MS): AbortSignal {
  return AbortSignal.timeout(ms);
}

/**
 * An Octokit for a GitHub (or GitHub Enterprise) API: no retries, no redirects (the API answers,
 * or it does not), and every request ends when `deadline` does.
 */
export function githubClient({ apiUrl, token, deadline }: { apiUrl: string; token: string; deadline: AbortSignal }): Octokit {
  return new Octokit({
    auth: token,
    baseUrl: apiUrl,
    userAgent: `taskyard/${VERSION}`,
    request: {
      fetch: (url: string, init: RequestInit) => fetch(url, { ...init, redirect: "error", signal: init.signal ? AbortSignal.any([init.signal, deadline]) : deadline }),
      retries: 0,
    },
    log: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
  });
}

/** What a GitLab API answered other than 2xx: its status and parsed body, never the request (whose headers hold the token). */
export class GitLabAnswerError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`GitLab answered ${status}`);
    this.name = "GitLabAnswerError";
  }
}

/** Gitbeaker appends `/api/v4` to its `host`: the provider's api_url without it. */
function gitlabHost(apiUrl: string): string {
  return apiUrl.replace(/\/api\/v4\/?$/, "");
}

async function parsedBody(response: Response): Promise<unknown> {
  const text = await response.text();
  if (!(response.headers.get("content-type") ?? "").includes("json")) return text;
  try {
    return text ? JSON.parse(text) : {};
  } catch {
    return text;
  }
}

/**
 * Gitbeaker's own request handler retries 429 and 502 up to ten times, follows redirects and
 * takes no deadline beyond `queryTimeout` per request; this one sends each request once, refuses
 * redirects and ends with `deadline`. Bodies and queries are still encoded by gitbeaker's
 * options handler (`createRequesterFn`), as its own requester does.
 */
function gitlabRequester(deadline: AbortSignal) {
  return createRequesterFn(
    async (_service, options) => options,
    async (endpoint, raw) => {
      const { prefixUrl = "", searchParams, method, headers, body, signal } = (raw ?? {}) as RequestOptions;
      const url = new URL(endpoint, prefixUrl.endsWith("/") ? prefixUrl : `${prefixUrl}/`);
      url.search = searchParams ?? "";
      const response = await fetch(url, { method, headers, body, redirect: "error", signal: signal ? AbortSignal.any([signal, deadline]) : deadline });
      const parsed = response.status === 204 ? null : await parsedBody(response);
      if (!response.ok) throw new GitLabAnswerError(response.status, parsed);
      return { body: parsed as Record<string, unknown>, headers: Object.fromEntries(response.headers.entries()), status: response.status };
    },
  );
}

/** A gitbeaker client for a GitLab API (`…/api/v4`): one attempt per request, no redirects, all within `deadline`. */
export function gitlabClient({ apiUrl, token, deadline }: { apiUrl: string; token: string; deadline: AbortSignal }) {
  return new Gitlab({ host: gitlabHost(apiUrl), token, queryTimeout: FORGE_TIMEOUT_MS, requesterFn: gitlabRequester(deadline) });
}

/** The forge's HTTP status, if it answered at all (Octokit reports a failed connection as a 500 without a response). */
export function forgeStatusOf(error: unknown): number | undefined {
  if (error instanceof GitLabAnswerError) return error.status;
  const e = error as { response?: { status?: unknown }; cause?: { response?: { status?: unknown } } };
  if (typeof e?.response?.status === "number") return e.response.status;
  if (typeof e?.cause?.response?.status === "number") return e.cause.response.status;
  return undefined;
}
