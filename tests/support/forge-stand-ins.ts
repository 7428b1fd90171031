import { createRequire } from "node:module";
import http from "node:http";
import type { AddressInfo } from "node:net";
import Ajv from "ajv";

type Parameter = { name: string; in: string; required?: boolean; schema?: object };
type Spec = {
  openapi: string;
  paths: Record<string, Record<string, { parameters?: (Parameter | { $ref: string })[]; requestBody?: { required?: boolean; content: Record<string, { schema: object }> } }>>;
  components: object;
};

let spec: Spec | undefined;
let ajv: Ajv | undefined;
const SPEC_ID = "https://api.github.com/openapi";

/** GitHub's published OpenAPI description of api.github.com, from `@octokit/openapi`; read once per test file. */
function githubSpec(): Spec {
  spec ??= createRequire(import.meta.url)("@octokit/openapi/generated/api.github.com.json") as Spec;
  return spec;
}

function githubAjv(): Ajv {
  if (!ajv) {
    // OpenAPI 3.0 schemas: `nullable`, `discriminator`, and GitHub's own x- keywords.
    ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
    ajv.addSchema({ $id: SPEC_ID, components: githubSpec().components });
  }
  return ajv;
}

/** `#/components/...` refs of GitHub's spec, made absolute so they resolve against the spec added to ajv. */
function absolute(schema: unknown): unknown {
  return JSON.parse(JSON.stringify(schema).replaceAll('"$ref":"#/', `"$ref":"${SPEC_ID}#/`));
}

function matchPath(path: string): string | undefined {
  for (const template of Object.keys(githubSpec().paths)) {
    const pattern = new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{[^}]+\}/g, "[^/]+")}$`);
    if (pattern.test(path)) return template;
  }
  return undefined;
}

/**
 * What is wrong with a request to the GitHub API, judged by GitHub's OpenAPI description: an
 * unknown path or method, a missing or unknown query parameter, a body the operation's schema
 * refuses, or headers GitHub requires (a User-Agent, a GitHub media type, a token). Empty: fine.
 */
export function githubRequestProblems(req: { method: string; url: string; headers: http.IncomingHttpHeaders }, body: string): string[] {
  const problems: string[] = [];
  const url = new URL(req.url, "http://x");
  const template = matchPath(url.pathname);
  if (!template) return [`${req.method} ${url.pathname}: no such path in GitHub's API`];
  const operation = githubSpec().paths[template][req.method.toLowerCase()];
  if (!operation) return [`${req.method} ${template}: no such operation in GitHub's API`];
  // Shared parameters (per-page, page, owner, …) are refs to `#/components/parameters/…`.
  const shared = (githubSpec().components as { parameters: Record<string, Parameter> }).parameters;
  const parameters: Parameter[] = (operation.parameters ?? []).map((p) => ("$ref" in p ? shared[p.$ref.split("/").pop() ?? ""] : p));
  for (const name of url.searchParams.keys()) if (!parameters.some((p) => p.in === "query" && p.name === name)) problems.push(`unknown query parameter ${name}`);
  for (const p of parameters) {
    if (p.required && p.in === "query" && !url.searchParams.has(p.name)) problems.push(`missing query parameter ${p.name}`);
    if (p.required && p.in === "header" && !req.headers[p.name.toLowerCase()]) problems.push(`missing header ${p.name}`);
  }
  if (!req.headers["user-agent"]) problems.push("no User-Agent (GitHub refuses requests without one)");
  const accept = String(req.headers.accept ?? "");
  if (!/^application\/(vnd\.github(\.[a-z0-9-]+)?(\+json)?|json)\b/.test(accept)) problems.push(`Accept ${accept || "(none)"} is not a GitHub media type`);
  if (!/^(token|Bearer) \S+$/.test(String(req.headers.authorization ?? ""))) problems.push("no token in Authorization");
  const version = req.headers["x-github-api-version"];
  if (version !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(String(version))) problems.push(`X-GitHub-Api-Version ${version} is not a date`);
  const content = operation.requestBody?.content?.["application/json"];
  if (body) {
    if (!content) problems.push(`${req.method} ${template} takes no body`);
    else {
      const validate = githubAjv().compile(absolute(content.schema) as object);
      if (!validate(JSON.parse(body))) problems.push(`body: ${githubAjv().errorsText(validate.errors)}`);
    }
  } else if (operation.requestBody?.required) problems.push(`${req.method} ${template} needs a body`);
  return problems;
}

/**
 * Whether an answer of the stand-in is one GitHub's description allows (so the stand-in cannot
 * drift into fiction): `schema` names one of the operation's documented answers (the spec's
 * `oneOf` + discriminator, which ajv does not take, is resolved by naming the branch).
 */
export function githubResponseProblems(template: string, method: string, status: number, schemaName: string, body: unknown): string[] {
  type Response = { $ref?: string; content?: Record<string, { schema: { type?: string } }> };
  let response = (githubSpec().paths[template][method] as { responses?: Record<string, Response> }).responses?.[String(status)];
  // Shared answers (validation_failed, forbidden, …) are refs to `#/components/responses/…`.
  if (response?.$ref) response = (githubSpec().components as { responses: Record<string, Response> }).responses[response.$ref.split("/").pop() ?? ""];
  const schema = response?.content?.["application/json"]?.schema;
  const documented = JSON.stringify(schema ?? {});
  if (!documented.includes(`"#/components/schemas/${schemaName}"`)) return [`${method} ${template} never answers ${status} with ${schemaName}`];
  const validate = githubAjv().compile({ $ref: `${SPEC_ID}#/components/schemas/${schemaName}` });
  if (schema?.type === "array") {
    if (!Array.isArray(body)) return [`${method} ${template} answers ${status} with an array of ${schemaName}`];
    return body.flatMap((item, i) => (validate(item) ? [] : [`[${i}] ${githubAjv().errorsText(validate.errors)}`]));
  }
  return validate(body) ? [] : [githubAjv().errorsText(validate.errors)];
}

function privateUser(login: string) {
  const base = `https://api.github.com/users/${login}`;
  return {
    login, id: 1, node_id: "MDQ6VXNlcjE=", avatar_url: "https://avatars.githubusercontent.com/u/1", gravatar_id: "", url: base,
    html_url: `https://github.com/${login}`, followers_url: `${base}/followers`, following_url: `${base}/following{/other_user}`,
    gists_url: `${base}/gists{/gist_id}`, starred_url: `${base}/starred{/owner}{/repo}`, subscriptions_url: `${base}/subscriptions`,
    organizations_url: `${base}/orgs`, repos_url: `${base}/repos`, events_url: `${base}/events{/privacy}`, received_events_url: `${base}/received_events`,
    type: "User", site_admin: false, name: login, company: null, blog: "", location: null, email: null, hireable: null, bio: null,
    public_repos: 0, public_gists: 0, followers: 0, following: 0, created_at: "2020-01-01T00:00:00Z", updated_at: "2020-01-01T00:00:00Z",
    private_gists: 0, total_private_repos: 0, owned_private_repos: 0, disk_usage: 0, collaborators: 0, two_factor_authentication: true,
    user_view_type: "private",
  };
}

async function listen(server: http.Server) {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const readBody = (req: http.IncomingMessage) =>
  new Promise<string>((resolve) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c));
    req.on("end", () => resolve(body));
  });

/** A request a stand-in received, as the tests assert on it (never its headers beyond the credential). */
export type RecordedRequest = { method: string; url: string; path: string; query: Record<string, string>; body: unknown; authorization: string };

/**
 * What a test can make a stand-in answer instead of doing its work: a status with a body
 * (`validation` is GitHub's real "Validation Failed" body, `forbidden` its 403 for a token
 * without access, `bad-gateway` the 502 of its edge), `hang`: never answer at all, or
 * `delayMs`: answer as usual, that much later.
 */
export type ScriptedFailure = "validation" | "forbidden" | "bad-gateway" | "hang" | { status: number; body: unknown; headers?: Record<string, string> } | { delayMs: number };

type Scripted = { failure: ScriptedFailure; method?: string; path?: RegExp; times: number };

function record(req: http.IncomingMessage, body: string): RecordedRequest {
  const url = new URL(req.url ?? "/", "http://x");
  let parsed: unknown = body || undefined;
  if (body && String(req.headers["content-type"] ?? "").includes("json")) {
    try {
      parsed = JSON.parse(body);
    } catch {
      parsed = body;
    }
  } else if (body && String(req.headers["content-type"] ?? "").includes("x-www-form-urlencoded")) parsed = Object.fromEntries(new URLSearchParams(body));
  const authorization = String(req.headers.authorization ?? req.headers["private-token"] ?? "");
  return { method: req.method ?? "", url: req.url ?? "", path: url.pathname, query: Object.fromEntries(url.searchParams), body: parsed, authorization };
}

/** The next scripted failure for this request, if any (each is used `times` times, then dropped). */
function takeScripted(script: Scripted[], method: string, path = ""): ScriptedFailure | undefined {
  const index = script.findIndex((s) => (!s.method || s.method === method) && (!s.path || s.path.test(path)));
  if (index < 0) return undefined;
  const found = script[index];
  if (--found.times <= 0) script.splice(index, 1);
  return found.failure;
}

function json(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers }).end(JSON.stringify(body));
}

/** A comment the GitHub stand-in was asked to post on an issue (by the token's login). */
export type StandInIssueComment = { id: number; project: string; issue: number; body: string; login: string };

/** A pull request the GitHub stand-in holds. */
export type StandInPull = { number: number; project: string; head: string; base: string; title: string; body: string | null; draft: boolean; state: "open" | "closed"; merged: boolean };

const GITHUB_DOCS = "https://docs.github.com/rest/pulls/pulls#create-a-pull-request";

/** GitHub's own example pull request, with this pull request's fields in it: a complete answer the spec accepts. */
function githubPull(pull: StandInPull, simple: boolean) {
  const spec = githubSpec() as unknown as { components: { examples: Record<string, { value: Record<string, unknown> }> } };
  const example = spec.components.examples["pull-request"].value;
  const [owner, repo] = pull.project.split("/");
  const api = `https://api.github.com/repos/${pull.project}`;
  const exampleHead = example.head as { repo: Record<string, unknown> } & Record<string, unknown>;
  const repository = { ...exampleHead.repo, name: repo, full_name: pull.project, html_url: `https://github.com/${pull.project}`, url: api };
  const side = (ref: string) => ({ ...exampleHead, label: `${owner}:${ref}`, ref, repo: repository });
  const closedAt = pull.state === "closed" ? "2026-01-02T00:00:00Z" : null;
  const answer: Record<string, unknown> = {
    ...example,
    url: `${api}/pulls/${pull.number}`,
    html_url: `https://github.com/${pull.project}/pull/${pull.number}`,
    number: pull.number,
    id: 1000 + pull.number,
    state: pull.state,
    title: pull.title,
    body: pull.body,
    draft: pull.draft,
    labels: [],
    milestone: null,
    assignee: null,
    assignees: [],
    requested_reviewers: [],
    requested_teams: [],
    auto_merge: null,
    head: side(pull.head),
    base: side(pull.base),
    closed_at: closedAt,
    merged_at: pull.merged ? closedAt : null,
    merged: pull.merged,
    merged_by: pull.merged ? example.user : null,
  };
  if (simple) for (const key of ["merged", "mergeable", "rebaseable", "mergeable_state", "merged_by", "comments", "review_comments", "maintainer_can_modify", "commits", "additions", "deletions", "changed_files"]) delete answer[key];
  return answer;
}

/**
 * A stand-in for GitHub's REST API, at the root like api.github.com: `GET /user` (with
 * `x-oauth-scopes`), issue comments (create) and pull requests — list (`head`/`base`/`state`), create and get — of the
 * `repositories` it holds (`owner/repo` → its branches). `tokens` maps each token it accepts to its
 * login and scopes. Every request is checked against GitHub's OpenAPI description and every
 * answer against the schema documented for it; any problem is kept in `problems` (the test
 * asserts it stays empty) and a bad request is answered 400. `fail` scripts failures.
 */
export async function startGitHubStandIn(tokens: Record<string, { login: string; scopes: string[] }>, options: { repositories?: Record<string, { branches: string[] }> } = {}) {
  const requests: RecordedRequest[] = [];
  const problems: string[] = [];
  const pulls: StandInPull[] = [];
  const comments: StandInIssueComment[] = [];
  const script: Scripted[] = [];
  const repositories = options.repositories ?? {};
  const server = http.createServer(async (req, res) => {
    try {
      await answerGitHub(req, res);
    } catch (error) {
      problems.push(`the stand-in failed: ${(error as Error).message}`);
      if (!res.headersSent) res.writeHead(500).end();
    }
  });
  async function answerGitHub(req: http.IncomingMessage, res: http.ServerResponse) {
    const body = await readBody(req);
    const recorded = record(req, body);
    requests.push(recorded);
    const found = githubRequestProblems({ method: req.method ?? "", url: req.url ?? "/", headers: req.headers }, body);
    if (found.length) {
      problems.push(...found);
      return json(res, 400, { message: found.join("; ") });
    }
    const token = String(req.headers.authorization ?? "").split(" ")[1];
    const owner = tokens[token];
    if (!owner) return json(res, 401, { message: "Bad credentials", documentation_url: "https://docs.github.com/rest" });
    const path = recorded.path;
    if (req.method === "GET" && path === "/user") {
      const answer = privateUser(owner.login);
      problems.push(...githubResponseProblems("/user", "get", 200, "private-user", answer));
      return json(res, 200, answer, { "x-oauth-scopes": owner.scopes.join(", "), "x-github-media-type": "github.v3; format=json" });
    }
    const commentsPath = /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/comments$/.exec(path);
    if (commentsPath && req.method === "POST") return answerIssueComment(req, res, recorded, commentsPath, owner.login);
    const pullsPath = /^\/repos\/([^/]+)\/([^/]+)\/pulls(?:\/(\d+))?$/.exec(path);
    if (!pullsPath) return json(res, 404, { message: "Not Found", documentation_url: "https://docs.github.com/rest" });
    const template = pullsPath[3] ? "/repos/{owner}/{repo}/pulls/{pull_number}" : "/repos/{owner}/{repo}/pulls";
    const method = (req.method ?? "GET").toLowerCase();
    let scripted = takeScripted(script, req.method ?? "", path);
    if (typeof scripted === "object" && "delayMs" in scripted) {
      await new Promise((resolve) => setTimeout(resolve, (scripted as { delayMs: number }).delayMs));
      scripted = undefined;
    }
    if (scripted === "hang") return; // never answers; close() ends the connection
    if (scripted === "validation") {
      const answer = { message: "Validation Failed", errors: [{ resource: "PullRequest", code: "custom", message: `A pull request already exists for ${pullsPath[1]}:${String((recorded.body as { head?: string })?.head ?? "b")}.` }], documentation_url: GITHUB_DOCS };
      problems.push(...githubResponseProblems(template, method, 422, "validation-error", answer));
      return json(res, 422, answer);
    }
    if (scripted === "forbidden") {
      const answer = { message: "Resource not accessible by personal access token", documentation_url: GITHUB_DOCS };
      problems.push(...githubResponseProblems(template, method, 403, "basic-error", answer));
      return json(res, 403, answer);
    }
    if (scripted === "bad-gateway") return void res.writeHead(502, { "content-type": "text/html" }).end("<html><body><h1>502 Bad Gateway</h1></body></html>");
    if (scripted) return json(res, scripted.status, scripted.body, scripted.headers);
    const project = `${pullsPath[1]}/${pullsPath[2]}`;
    const repository = repositories[project];
    if (!repository) return json(res, 404, { message: "Not Found", documentation_url: "https://docs.github.com/rest/pulls/pulls" });
    if (req.method === "GET" && !pullsPath[3]) {
      const q = recorded.query;
      const listed = pulls
        .filter((p) => p.project === project && (q.state === "all" || p.state === (q.state ?? "open")) && (!q.base || p.base === q.base) && (!q.head || `${pullsPath[1]}:${p.head}` === q.head))
        .slice(0, Number(q.per_page ?? 30))
        .map((p) => githubPull(p, true));
      problems.push(...githubResponseProblems(template, "get", 200, "pull-request-simple", listed));
      return json(res, 200, listed);
    }
    if (req.method === "POST" && !pullsPath[3]) {
      const input = recorded.body as { title?: string; head: string; base: string; body?: string; draft?: boolean };
      const errors: Record<string, string>[] = [];
      if (!repository.branches.includes(input.base)) errors.push({ resource: "PullRequest", field: "base", code: "invalid" });
      if (!repository.branches.includes(input.head.replace(/^[^:]+:/, ""))) errors.push({ resource: "PullRequest", field: "head", code: "invalid" });
      if (pulls.some((p) => p.project === project && p.state === "open" && p.head === input.head && p.base === input.base)) {
        errors.push({ resource: "PullRequest", code: "custom", message: `A pull request already exists for ${pullsPath[1]}:${input.head}.` });
      }
      if (errors.length) {
        const answer = { message: "Validation Failed", errors, documentation_url: GITHUB_DOCS };
        problems.push(...githubResponseProblems(template, "post", 422, "validation-error", answer));
        return json(res, 422, answer);
      }
      const pull: StandInPull = { number: pulls.length + 1, project, head: input.head, base: input.base, title: input.title ?? "", body: input.body ?? null, draft: input.draft ?? false, state: "open", merged: false };
      pulls.push(pull);
      const answer = githubPull(pull, false);
      problems.push(...githubResponseProblems(template, "post", 201, "pull-request", answer));
      return json(res, 201, answer, { location: String(answer.url) });
    }
    const pull = pulls.find((p) => p.project === project && p.number === Number(pullsPath[3]));
    if (req.method === "GET" && pull) {
      const answer = githubPull(pull, false);
      problems.push(...githubResponseProblems(template, "get", 200, "pull-request", answer));
      return json(res, 200, answer);
    }
    return json(res, 404, { message: "Not Found", documentation_url: "https://docs.github.com/rest/pulls/pulls" });
  }
  /** `POST /repos/{owner}/{repo}/issues/{issue_number}/comments` on a repository it holds; scripted failures apply. */
  async function answerIssueComment(req: http.IncomingMessage, res: http.ServerResponse, recorded: RecordedRequest, match: RegExpExecArray, login: string) {
    const template = "/repos/{owner}/{repo}/issues/{issue_number}/comments";
    let scripted = takeScripted(script, "POST", recorded.path);
    if (typeof scripted === "object" && "delayMs" in scripted) {
      await new Promise((resolve) => setTimeout(resolve, (scripted as { delayMs: number }).delayMs));
      scripted = undefined;
    }
    if (scripted === "hang") return;
    if (scripted === "bad-gateway") return void res.writeHead(502, { "content-type": "text/html" }).end("<html><body><h1>502 Bad Gateway</h1></body></html>");
    if (scripted === "forbidden") {
      const answer = { message: "Resource not accessible by personal access token", documentation_url: "https://docs.github.com/rest/issues/comments#create-an-issue-comment" };
      problems.push(...githubResponseProblems(template, "post", 403, "basic-error", answer));
      return json(res, 403, answer);
    }
    if (scripted && scripted !== "validation") return json(res, scripted.status, scripted.body, scripted.headers);
    const project = `${match[1]}/${match[2]}`;
    if (!repositories[project]) return json(res, 404, { message: "Not Found", documentation_url: "https://docs.github.com/rest/issues/comments#create-an-issue-comment" });
    const example = (githubSpec() as unknown as { components: { examples: Record<string, { value: Record<string, unknown> }> } }).components.examples["issue-comment"].value;
    const comment: StandInIssueComment = { id: comments.length + 1, project, issue: Number(match[3]), body: String((recorded.body as { body?: unknown }).body), login };
    comments.push(comment);
    const answer = {
      ...example,
      id: comment.id,
      url: `https://api.github.com/repos/${project}/issues/comments/${comment.id}`,
      html_url: `https://github.com/${project}/issues/${comment.issue}#issuecomment-${comment.id}`,
      issue_url: `https://api.github.com/repos/${project}/issues/${comment.issue}`,
      body: comment.body,
      user: { ...(example.user as object), login },
    };
    problems.push(...githubResponseProblems(template, "post", 201, "issue-comment", answer));
    return json(res, 201, answer, { location: answer.url });
  }
  const url = await listen(server);
  return {
    url,
    requests,
    problems,
    pulls,
    /** Comments posted on issues, in order. */
    comments,
    /** The next `times` requests to a pull-request or issue-comment endpoint (of `method` and to a `path` matching, if given) fail so. */
    fail: (failure: ScriptedFailure, options: { method?: string; path?: RegExp; times?: number } = {}) => void script.push({ failure, method: options.method, path: options.path, times: options.times ?? 1 }),
    /** Drops the failures scripted and not yet used. */
    resetFailures: () => void script.splice(0),
    /** Merges or closes (or reopens) a pull request, as its people would on GitHub. */
    setPullState: (number: number, state: "open" | "closed" | "merged") => {
      const pull = pulls.find((p) => p.number === number);
      if (!pull) throw new Error(`no pull request #${number}`);
      Object.assign(pull, { state: state === "open" ? "open" : "closed", merged: state === "merged" });
    },
    close: () => closeServer(server),
  };
}

/** Closes a stand-in, ending connections it left hanging on purpose. */
function closeServer(server: http.Server) {
  return new Promise((resolve) => {
    server.close(resolve);
    server.closeAllConnections();
  });
}

/** A merge request the GitLab stand-in holds. */
export type StandInMergeRequest = { iid: number; project: string; source: string; target: string; title: string; description: string | null; state: "opened" | "closed" | "merged" | "locked" };

/** Query parameters GitLab documents for `GET /projects/:id/merge_requests` (docs.gitlab.com/api/merge_requests/#list-project-merge-requests). */
const GITLAB_LIST_PARAMETERS = new Set([
  "approved_by_ids", "approved_by_ids[]", "approver_ids", "approver_ids[]", "approved", "assignee_id", "author_id", "author_username", "created_after", "created_before",
  "deployed_after", "deployed_before", "environment", "iids[]", "labels", "milestone", "my_reaction_emoji", "order_by", "reviewer_id", "reviewer_username", "scope",
  "search", "sort", "source_branch", "state", "target_branch", "updated_after", "updated_before", "view", "wip", "with_labels_details", "with_merge_status_recheck",
  "page", "per_page",
]);
/** Attributes GitLab documents for `POST /projects/:id/merge_requests` besides the required three (docs.gitlab.com/api/merge_requests/#create-mr). */
const GITLAB_CREATE_ATTRIBUTES = new Set([
  "allow_collaboration", "allow_maintainer_to_push", "approvals_before_merge", "assignee_id", "assignee_ids", "description", "labels", "merge_after", "milestone_id",
  "remove_source_branch", "reviewer_ids", "squash", "target_project_id",
]);
const GITLAB_SHOW_PARAMETERS = new Set(["include_diverged_commits_count", "include_rebase_in_progress", "render_html"]);

function gitlabMergeRequest(mr: StandInMergeRequest, base: string) {
  const draft = /^\s*(\[draft\]|\(draft\)|draft:|draft\s-\s)/i.test(mr.title);
  const author = { id: 7, username: "lab-user", name: "lab-user", state: "active", avatar_url: null, web_url: `${base}/lab-user` };
  return {
    id: 5000 + mr.iid, iid: mr.iid, project_id: 42, title: mr.title, description: mr.description, state: mr.state,
    created_at: "2026-01-01T00:00:00.000Z", updated_at: "2026-01-01T00:00:00.000Z",
    merged_at: mr.state === "merged" ? "2026-01-02T00:00:00.000Z" : null, closed_at: mr.state === "closed" ? "2026-01-02T00:00:00.000Z" : null,
    target_branch: mr.target, source_branch: mr.source, source_project_id: 42, target_project_id: 42, author, assignees: [], reviewers: [], labels: [],
    draft, work_in_progress: draft, merge_status: "can_be_merged", detailed_merge_status: "mergeable", sha: "0".repeat(40),
    references: { short: `!${mr.iid}`, relative: `!${mr.iid}`, full: `${mr.project}!${mr.iid}` },
    web_url: `${base}/${mr.project}/-/merge_requests/${mr.iid}`,
  };
}

/**
 * A stand-in for GitLab's REST API v4: `GET /api/v4/user`, `GET /api/v4/personal_access_tokens/self`
 * and merge requests — list, create and get — of the `projects` it holds (full path → branches),
 * by `PRIVATE-TOKEN` or `Authorization: Bearer`. GitLab publishes no OpenAPI description of these,
 * so requests are checked by hand against its documentation (auth header, `:id` as a URL-encoded
 * path, documented parameters only, the required create fields, a JSON or form body); anything
 * else is kept in `problems` and answered 400. `fail` scripts failures.
 */
export async function startGitLabStandIn(tokens: Record<string, { username: string; scopes: string[] }>, options: { projects?: Record<string, { branches: string[] }> } = {}) {
  const requests: RecordedRequest[] = [];
  const problems: string[] = [];
  const mergeRequests: StandInMergeRequest[] = [];
  const script: Scripted[] = [];
  const projects = options.projects ?? {};
  let url = "";
  const server = http.createServer(async (req, res) => {
    try {
      await answerGitLab(req, res);
    } catch (error) {
      problems.push(`the stand-in failed: ${(error as Error).message}`);
      if (!res.headersSent) res.writeHead(500).end();
    }
  });
  async function answerGitLab(req: http.IncomingMessage, res: http.ServerResponse) {
    const body = await readBody(req);
    const recorded = record(req, body);
    requests.push(recorded);
    const found: string[] = [];
    const privateToken = req.headers["private-token"];
    const bearer = /^Bearer (\S+)$/.exec(String(req.headers.authorization ?? ""))?.[1];
    if (!privateToken && !bearer) found.push("no PRIVATE-TOKEN header and no Authorization: Bearer");
    const mrPath = /^\/api\/v4\/projects\/([^/]+)\/merge_requests(?:\/([^/]+))?$/.exec(recorded.path);
    // The raw path, before URL parsing decodes anything: `:id` must be a number or one URL-encoded segment.
    const rawId = /^\/api\/v4\/projects\/([^/?]+)/.exec(req.url ?? "")?.[1];
    if (mrPath) {
      const query = Object.keys(recorded.query);
      if (rawId && !/^\d+$/.test(rawId) && !/%2F/i.test(rawId)) found.push(`project id ${rawId} is neither a number nor a URL-encoded path`);
      if (mrPath[2] && !/^\d+$/.test(mrPath[2])) found.push(`merge request iid ${mrPath[2]} is not a number`);
      if (req.method === "GET" && !mrPath[2]) {
        for (const name of query) if (!GITLAB_LIST_PARAMETERS.has(name)) found.push(`unknown query parameter ${name}`);
        const state = recorded.query.state;
        if (state !== undefined && !["opened", "closed", "locked", "merged", "all"].includes(state)) found.push(`state ${state} is not opened, closed, locked, merged or all`);
        const perPage = recorded.query.per_page;
        if (perPage !== undefined && !(Number(perPage) >= 1 && Number(perPage) <= 100)) found.push(`per_page ${perPage} is not 1 to 100`);
      } else if (req.method === "GET") {
        for (const name of query) if (!GITLAB_SHOW_PARAMETERS.has(name)) found.push(`unknown query parameter ${name}`);
      } else if (req.method === "POST" && !mrPath[2]) {
        const type = String(req.headers["content-type"] ?? "");
        if (!/^(application\/json|application\/x-www-form-urlencoded|multipart\/form-data)\b/.test(type)) found.push(`Content-Type ${type || "(none)"} is neither JSON nor a form`);
        const input = recorded.body;
        if (typeof input !== "object" || input === null) found.push("the body is not an object of attributes");
        else {
          for (const field of ["source_branch", "target_branch", "title"]) {
            const value = (input as Record<string, unknown>)[field];
            if (typeof value !== "string" || !value.trim()) found.push(`${field} is missing`);
          }
          for (const name of Object.keys(input)) if (!["source_branch", "target_branch", "title"].includes(name) && !GITLAB_CREATE_ATTRIBUTES.has(name)) found.push(`unknown attribute ${name}`);
        }
      } else found.push(`${req.method} ${recorded.path}: not a documented merge request operation`);
    }
    if (found.length) {
      problems.push(...found);
      return json(res, 400, { error: found.join("; ") });
    }
    const owner = tokens[String(privateToken ?? bearer)];
    if (!owner) return json(res, 401, { message: "401 Unauthorized" });
    if (req.method === "GET" && recorded.path === "/api/v4/user") return json(res, 200, { id: 7, username: owner.username, name: owner.username, state: "active" });
    if (req.method === "GET" && recorded.path === "/api/v4/personal_access_tokens/self") {
      return json(res, 200, { id: 3, name: "taskyard", revoked: false, scopes: owner.scopes, user_id: 7, active: true });
    }
    if (!mrPath) return json(res, 404, { message: "404 Not Found" });
    let scripted = takeScripted(script, req.method ?? "");
    if (typeof scripted === "object" && "delayMs" in scripted) {
      await new Promise((resolve) => setTimeout(resolve, (scripted as { delayMs: number }).delayMs));
      scripted = undefined;
    }
    if (scripted === "hang") return;
    if (scripted === "bad-gateway") return void res.writeHead(502, { "content-type": "text/html" }).end("<html><body><h1>502 Bad Gateway</h1></body></html>");
    if (scripted === "forbidden") return json(res, 403, { message: "403 Forbidden" });
    if (scripted === "validation") return json(res, 422, { message: ["Validation failed"] });
    if (scripted) return json(res, scripted.status, scripted.body, scripted.headers);
    const project = decodeURIComponent(mrPath[1]);
    const held = projects[project];
    if (!held) return json(res, 404, { message: "404 Project Not Found" });
    if (req.method === "GET" && !mrPath[2]) {
      const q = recorded.query;
      const listed = mergeRequests.filter(
        (mr) => mr.project === project && (!q.state || q.state === "all" || mr.state === q.state) && (!q.source_branch || mr.source === q.source_branch) && (!q.target_branch || mr.target === q.target_branch),
      );
      const perPage = Number(q.per_page ?? 20);
      const page = listed.slice(0, perPage).map((mr) => gitlabMergeRequest(mr, url));
      return json(res, 200, page, { "x-page": "1", "x-per-page": String(perPage), "x-total": String(listed.length), "x-total-pages": String(Math.max(1, Math.ceil(listed.length / perPage))), "x-next-page": listed.length > perPage ? "2" : "", "x-prev-page": "" });
    }
    if (req.method === "POST") {
      const input = recorded.body as { source_branch: string; target_branch: string; title: string; description?: string };
      if (!held.branches.includes(input.source_branch)) return json(res, 422, { message: [`Source branch "${input.source_branch}" does not exist`] });
      if (!held.branches.includes(input.target_branch)) return json(res, 422, { message: [`Target branch "${input.target_branch}" does not exist`] });
      const open = mergeRequests.find((mr) => mr.project === project && mr.state === "opened" && mr.source === input.source_branch && mr.target === input.target_branch);
      if (open) return json(res, 409, { message: [`Another open merge request already exists for this source branch: !${open.iid}`] });
      const mr: StandInMergeRequest = { iid: mergeRequests.length + 1, project, source: input.source_branch, target: input.target_branch, title: input.title, description: input.description ?? null, state: "opened" };
      mergeRequests.push(mr);
      return json(res, 201, gitlabMergeRequest(mr, url));
    }
    const mr = mergeRequests.find((m) => m.project === project && m.iid === Number(mrPath[2]));
    if (!mr) return json(res, 404, { message: "404 Not found" });
    return json(res, 200, gitlabMergeRequest(mr, url));
  }
  url = await listen(server);
  return {
    url,
    apiUrl: `${url}/api/v4`,
    requests,
    problems,
    mergeRequests,
    /** The next `times` merge-request requests (of `method`, if given) fail so. */
    fail: (failure: ScriptedFailure, options: { method?: string; times?: number } = {}) => void script.push({ failure, method: options.method, times: options.times ?? 1 }),
    /** Drops the failures scripted and not yet used. */
    resetFailures: () => void script.splice(0),
    /** Merges, closes or locks (or reopens) a merge request, as its people would on GitLab. */
    setMergeRequestState: (iid: number, state: StandInMergeRequest["state"]) => {
      const mr = mergeRequests.find((m) => m.iid === iid);
      if (!mr) throw new Error(`no merge request !${iid}`);
      mr.state = state;
    },
    close: () => closeServer(server),
  };
}
