import "server-only";
import { ApiError } from "../api/errors";
import type { GitProvider } from "../db/schema";
import { FORGE_TIMEOUT_MS, GitLabAnswerError, forgeDeadline, forgeStatusOf, githubClient, gitlabClient } from "./forge-clients";
import { forgeProject, repositoryLocation } from "./forge-project";

export { forgeProject } from "./forge-project";

export type PullRequestState = "open" | "merged" | "closed";
export type PullRequest = { provider: "github" | "gitlab"; url: string; number: number; state: PullRequestState; draft: boolean };

type Forge = Pick<GitProvider, "kind" | "apiUrl" | "host">;
export type OpenPullRequestInput = { repoUrl: string; head: string; base: string; title: string; body: string; draft: boolean };

const DRAFT_PREFIX = "Draft: ";

/**
 * Opens a pull request (GitHub) or merge request (GitLab) from `head` into `base` of the
 * repository `repoUrl` names, unless an open one already exists: then that one is the answer
 * (`created: false`), so asking twice never opens two. Every request of the call shares one
 * FORGE_TIMEOUT_MS deadline; every failure is an ApiError (see `pullRequestError`).
 */
export async function openPullRequest(
  provider: Forge,
  token: string,
  input: OpenPullRequestInput,
  /** What is left of the caller's own deadline (a push came first), if less than FORGE_TIMEOUT_MS. */
  deadline: AbortSignal = forgeDeadline(),
): Promise<{ pullRequest: PullRequest; created: boolean }> {
  const kind = forgeKind(provider);
  const project = projectOn(provider, kind, input.repoUrl);
  try {
    return kind === "github" ? await openGitHub(provider.apiUrl, token, project, input, deadline) : await openGitLab(provider.apiUrl, token, project, input, deadline);
  } catch (error) {
    throw pullRequestError({ host: provider.host, project, token, error, deadline, action: `open a pull request from ${input.head} into ${input.base}` });
  }
}

/** A pull request's (merge request's) current state and draft flag. */
export async function readPullRequest(provider: Forge, token: string, input: { repoUrl: string; number: number }): Promise<PullRequest> {
  if (!Number.isSafeInteger(input.number) || input.number < 1) throw ApiError.invalidField("number", "must be a positive whole number");
  const kind = forgeKind(provider);
  const project = projectOn(provider, kind, input.repoUrl);
  const deadline = forgeDeadline();
  try {
    return kind === "github" ? await readGitHub(provider.apiUrl, token, project, input.number, deadline) : await readGitLab(provider.apiUrl, token, project, input.number, deadline);
  } catch (error) {
    throw pullRequestError({ host: provider.host, project, token, error, deadline, action: `read pull request #${input.number}`, number: input.number });
  }
}

function forgeKind(provider: Forge): "github" | "gitlab" {
  if (provider.kind === "github" || provider.kind === "gitlab") return provider.kind;
  throw ApiError.conflict(`${provider.host} is a plain git host: pull requests can be opened on GitHub and GitLab only.`);
}

/** The project, once the URL is known to be on this provider's host (its token is for that host alone). */
function projectOn(provider: Forge, kind: "github" | "gitlab", repoUrl: string): string {
  const project = forgeProject(kind, repoUrl);
  const hostname = repositoryLocation(repoUrl)?.hostname;
  if (hostname !== provider.host.replace(/:\d+$/, "").toLowerCase()) throw ApiError.conflict(`The repository is not on ${provider.host}.`, `the URL is on ${hostname}`);
  return project;
}

// --- GitHub -------------------------------------------------------------------------------------

type GitHubPull = { html_url: string; number: number; state: string; merged_at?: string | null; draft?: boolean };

function fromGitHub(pull: GitHubPull): PullRequest {
  return { provider: "github", url: pull.html_url, number: pull.number, state: pull.merged_at ? "merged" : pull.state === "open" ? "open" : "closed", draft: pull.draft ?? false };
}

async function openGitHub(apiUrl: string, token: string, project: string, input: OpenPullRequestInput, deadline: AbortSignal) {
  const octokit = githubClient({ apiUrl, token, deadline });
  const [owner, repo] = project.split("/");
  const findOpen = async () => {
    const { data } = await octokit.rest.pulls.list({ owner, repo, head: `${owner}:${input.head}`, base: input.base, state: "open", per_page: 1 });
    return data[0];
  };
  const existing = await findOpen();
  if (existing) return { pullRequest: fromGitHub(existing), created: false };
  try {
    const { data } = await octokit.rest.pulls.create({ owner, repo, head: input.head, base: input.base, title: input.title, body: input.body, draft: input.draft });
    return { pullRequest: fromGitHub(data), created: true };
  } catch (error) {
    // Two callers racing: GitHub refuses the second with 422 "A pull request already exists".
    const raced = forgeStatusOf(error) === 422 ? await findOpen() : undefined;
    if (raced) return { pullRequest: fromGitHub(raced), created: false };
    throw error;
  }
}

async function readGitHub(apiUrl: string, token: string, project: string, number: number, deadline: AbortSignal) {
  const [owner, repo] = project.split("/");
  const { data } = await githubClient({ apiUrl, token, deadline }).rest.pulls.get({ owner, repo, pull_number: number });
  return fromGitHub(data);
}

// --- GitLab -------------------------------------------------------------------------------------

type GitLabMergeRequest = { web_url?: unknown; iid?: unknown; state?: unknown; draft?: unknown; work_in_progress?: unknown };

function fromGitLab(mr: GitLabMergeRequest): PullRequest {
  const state: PullRequestState = mr.state === "opened" ? "open" : mr.state === "merged" ? "merged" : "closed";
  return { provider: "gitlab", url: String(mr.web_url), number: Number(mr.iid), state, draft: Boolean(mr.draft ?? mr.work_in_progress ?? false) };
}

async function openGitLab(apiUrl: string, token: string, project: string, input: OpenPullRequestInput, deadline: AbortSignal) {
  const api = gitlabClient({ apiUrl, token, deadline });
  const findOpen = async () => {
    const found = await api.MergeRequests.all({ projectId: project, sourceBranch: input.head, targetBranch: input.base, state: "opened", perPage: 1, maxPages: 1 });
    return found[0] as GitLabMergeRequest | undefined;
  };
  const existing = await findOpen();
  if (existing) return { pullRequest: fromGitLab(existing), created: false };
  // GitLab has no draft flag on create: a title starting "Draft:" is what makes one.
  const title = input.draft && !/^\s*(\[draft\]|\(draft\)|draft:|draft\s-\s)/i.test(input.title) ? DRAFT_PREFIX + input.title : input.title;
  try {
    const created = await api.MergeRequests.create(project, input.head, input.base, title, { description: input.body });
    return { pullRequest: fromGitLab(created as GitLabMergeRequest), created: true };
  } catch (error) {
    // Two callers racing: GitLab refuses the second with 409 "Another open merge request already exists".
    const raced = forgeStatusOf(error) === 409 ? await findOpen() : undefined;
    if (raced) return { pullRequest: fromGitLab(raced), created: false };
    throw error;
  }
}

async function readGitLab(apiUrl: string, token: string, project: string, number: number, deadline: AbortSignal) {
  const mr = await gitlabClient({ apiUrl, token, deadline }).MergeRequests.show(project, number);
  return fromGitLab(mr as GitLabMergeRequest);
}

// --- Errors -------------------------------------------------------------------------------------

/** GitLab's `message` (or `error`) may be a string, a list, or an object of field → list. */
function gitlabMessage(body: unknown): string {
  const value = typeof body === "object" && body !== null ? ((body as { message?: unknown; error?: unknown }).message ?? (body as { error?: unknown }).error) : body;
  const text = (v: unknown): string =>
    typeof v === "string"
      ? v
      : Array.isArray(v)
        ? v.map(text).join("; ")
        : typeof v === "object" && v !== null
          ? Object.entries(v)
              .map(([key, inner]) => `${key} ${text(inner)}`)
              .join("; ")
          : v === undefined
            ? ""
            : String(v);
  return text(value);
}

/** GitHub's `message` and, for a validation failure, each of its `errors` (a message, or resource/field/code). */
function githubMessage(body: unknown): string {
  if (typeof body !== "object" || body === null) return typeof body === "string" ? body : "";
  const { message, errors } = body as { message?: unknown; errors?: unknown };
  const details = Array.isArray(errors)
    ? errors.map((e) => (typeof e === "string" ? e : typeof e?.message === "string" ? e.message : [e?.resource, e?.field, e?.code].filter(Boolean).join(" "))).filter(Boolean)
    : [];
  return [typeof message === "string" ? message : "", ...details].filter(Boolean).join(": ");
}

function forgeMessage(error: unknown): string {
  if (error instanceof GitLabAnswerError) return gitlabMessage(error.body);
  return githubMessage((error as { response?: { data?: unknown } })?.response?.data);
}

/**
 * A forge's failure in our error shape, its own words in `detail` (never the token nor the
 * request, whose headers hold it): refused input → 422, a refused token → 403, a repository the
 * token cannot see → 422, and no answer, a 5xx or a missed deadline → 502.
 */
function pullRequestError({ host, project, token, error, deadline, action, number }: { host: string; project: string; token: string; error: unknown; deadline: AbortSignal; action: string; number?: number }): ApiError {
  if (error instanceof ApiError) return error;
  const status = forgeStatusOf(error);
  const message = status === undefined ? "" : forgeMessage(error);
  const said = (token ? message.replaceAll(token, "[token]") : message).slice(0, 2000);
  const detail = said ? `${host} answered ${status}: ${said}` : status === undefined ? undefined : `${host} answered ${status}`;
  if (status === 400 || status === 409 || status === 422) return new ApiError(422, `${host} refused to ${action}.`, { detail });
  if (status === 401) return new ApiError(403, `${host} refused: the stored token for ${host} is no longer valid; replace it in Settings → Git credentials.`, { detail });
  if (status === 403) return new ApiError(403, `${host} refused: the token may not ${action} in ${project}.`, { detail });
  if (status === 404) {
    const what = number === undefined ? `repository ${project}` : `repository ${project} (or no pull request #${number} in it)`;
    return new ApiError(422, `${host} has no ${what} that this token can see.`, { detail });
  }
  if (status !== undefined) return new ApiError(502, `${host} answered ${status} when asked to ${action}.`, { detail });
  const timedOut = deadline.aborted || (error instanceof Error && /timeout|timed out|abort/i.test(`${error.name} ${error.message}`));
  return new ApiError(502, timedOut ? `${host} did not answer within ${FORGE_TIMEOUT_MS / 1000} s.` : `${host} could not be reached.`);
}
