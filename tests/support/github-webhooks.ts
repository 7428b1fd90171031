import { createHmac, randomUUID } from "node:crypto";
import { createRequire } from "node:module";
import Ajv from "ajv";

/**
 * Webhook deliveries as GitHub sends them, for tests: payloads written after GitHub's documented
 * examples and checked against its published webhook schemas (`@octokit/openapi-webhooks`, the
 * `webhook-issues-labeled` / `webhook-issue-comment-created` components), headers against the
 * webhook operation's required headers, signed with HMAC-SHA256 by Node's own crypto (not the
 * library the server verifies with).
 */
type Spec = { webhooks: Record<string, { post: { parameters: { name: string; in: string; required?: boolean }[] } }>; components: { schemas: Record<string, object> } };
const SPEC_ID = "https://github.com/octokit/openapi-webhooks";
let spec: Spec | undefined;
let ajv: Ajv | undefined;

function webhooksSpec(): Spec {
  spec ??= createRequire(import.meta.url)("@octokit/openapi-webhooks/generated/api.github.com.json") as Spec;
  return spec;
}

function webhooksAjv(): Ajv {
  if (!ajv) {
    // OpenAPI 3.1 schemas with GitHub's own keywords; formats are not what this checks.
    ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
    ajv.addSchema({ $id: SPEC_ID, components: webhooksSpec().components });
  }
  return ajv;
}

/** What is wrong with a payload, judged by GitHub's schema of the event (e.g. `webhook-issues-labeled`); empty: fine. */
export function webhookPayloadProblems(schemaName: string, payload: unknown): string[] {
  if (!webhooksSpec().components.schemas[schemaName]) return [`no schema ${schemaName} in GitHub's webhook description`];
  const validate = webhooksAjv().getSchema(`${SPEC_ID}#/components/schemas/${schemaName}`) ?? webhooksAjv().compile({ $ref: `${SPEC_ID}#/components/schemas/${schemaName}` });
  return validate(payload) ? [] : [webhooksAjv().errorsText(validate.errors)];
}

/** What is missing from a delivery's headers, judged by the webhook's documented required headers (e.g. `issues-labeled`). */
export function webhookHeaderProblems(webhook: string, headers: Record<string, string>): string[] {
  const names = new Set(Object.keys(headers).map((h) => h.toLowerCase()));
  return webhooksSpec()
    .webhooks[webhook].post.parameters.filter((p) => p.in === "header" && p.required && !names.has(p.name.toLowerCase()))
    .map((p) => `missing header ${p.name}`);
}

const API = "https://api.github.com";

export function githubUser(login: string, id = 1000) {
  const url = `${API}/users/${login}`;
  return {
    login, id, node_id: `MDQ6VXNlcj${id}`, avatar_url: `https://avatars.githubusercontent.com/u/${id}?v=4`, gravatar_id: "", url,
    html_url: `https://github.com/${login}`, followers_url: `${url}/followers`, following_url: `${url}/following{/other_user}`,
    gists_url: `${url}/gists{/gist_id}`, starred_url: `${url}/starred{/owner}{/repo}`, subscriptions_url: `${url}/subscriptions`,
    organizations_url: `${url}/orgs`, repos_url: `${url}/repos`, events_url: `${url}/events{/privacy}`, received_events_url: `${url}/received_events`,
    type: "User", user_view_type: "public", site_admin: false,
  };
}

/** A repository as a webhook names it; `cloneUrl` is where git reaches it (the tests' git server). */
export function githubRepository(fullName: string, cloneUrl: string) {
  const [owner, name] = fullName.split("/");
  const url = `${API}/repos/${fullName}`;
  const html = cloneUrl.replace(/\.git$/, "");
  return {
    id: 35129377, node_id: "MDEwOlJlcG9zaXRvcnkzNTEyOTM3Nw==", name, full_name: fullName, private: true, owner: githubUser(owner, 21031067),
    html_url: html, description: null, fork: false, url,
    forks_url: `${url}/forks`, keys_url: `${url}/keys{/key_id}`, collaborators_url: `${url}/collaborators{/collaborator}`, teams_url: `${url}/teams`,
    hooks_url: `${url}/hooks`, issue_events_url: `${url}/issues/events{/number}`, events_url: `${url}/events`, assignees_url: `${url}/assignees{/user}`,
    branches_url: `${url}/branches{/branch}`, tags_url: `${url}/tags`, blobs_url: `${url}/git/blobs{/sha}`, git_tags_url: `${url}/git/tags{/sha}`,
    git_refs_url: `${url}/git/refs{/sha}`, trees_url: `${url}/git/trees{/sha}`, statuses_url: `${url}/statuses/{sha}`, languages_url: `${url}/languages`,
    stargazers_url: `${url}/stargazers`, contributors_url: `${url}/contributors`, subscribers_url: `${url}/subscribers`, subscription_url: `${url}/subscription`,
    commits_url: `${url}/commits{/sha}`, git_commits_url: `${url}/git/commits{/sha}`, comments_url: `${url}/comments{/number}`,
    issue_comment_url: `${url}/issues/comments{/number}`, contents_url: `${url}/contents/{+path}`, compare_url: `${url}/compare/{base}...{head}`,
    merges_url: `${url}/merges`, archive_url: `${url}/{archive_format}{/ref}`, downloads_url: `${url}/downloads`, issues_url: `${url}/issues{/number}`,
    pulls_url: `${url}/pulls{/number}`, milestones_url: `${url}/milestones{/number}`, notifications_url: `${url}/notifications{?since,all,participating}`,
    labels_url: `${url}/labels{/name}`, releases_url: `${url}/releases{/id}`, deployments_url: `${url}/deployments`,
    created_at: "2015-05-05T23:40:12Z", updated_at: "2026-12-01T10:00:00Z", pushed_at: "2026-12-01T10:00:00Z",
    git_url: `git://github.com/${fullName}.git`, ssh_url: `git@github.com:${fullName}.git`, clone_url: cloneUrl, svn_url: html,
    homepage: null, size: 108, stargazers_count: 0, watchers_count: 0, language: "TypeScript", has_issues: true, has_projects: true,
    has_downloads: true, has_wiki: true, has_pages: false, has_discussions: false, forks_count: 0, mirror_url: null, archived: false, disabled: false,
    open_issues_count: 1, license: null, allow_forking: true, is_template: false, web_commit_signoff_required: false, topics: [], visibility: "private",
    forks: 0, open_issues: 1, watchers: 0, default_branch: "main",
  };
}

export function githubLabel(name: string) {
  return { id: 208045946, node_id: "MDU6TGFiZWwyMDgwNDU5NDY=", url: `${API}/repos/octocat/Hello-World/labels/${encodeURIComponent(name)}`, name, color: "f29513", default: false, description: "Work for Taskyard" };
}

const reactions = (url: string) => ({ url: `${url}/reactions`, total_count: 0, "+1": 0, "-1": 0, laugh: 0, hooray: 0, confused: 0, heart: 0, rocket: 0, eyes: 0 });

export function githubIssue(repo: { full_name: string; html_url: string }, issue: { number: number; title: string; body: string | null; author: string; labels?: string[] }) {
  const url = `${API}/repos/${repo.full_name}/issues/${issue.number}`;
  return {
    url, repository_url: `${API}/repos/${repo.full_name}`, labels_url: `${url}/labels{/name}`, comments_url: `${url}/comments`, events_url: `${url}/events`,
    html_url: `${repo.html_url}/issues/${issue.number}`, id: 1_000_000 + issue.number, node_id: "MDU6SXNzdWUx", number: issue.number, title: issue.title,
    user: githubUser(issue.author, 1001), labels: (issue.labels ?? []).map(githubLabel), state: "open", locked: false, assignee: null, assignees: [], milestone: null,
    comments: 0, created_at: "2026-12-07T08:00:00Z", updated_at: "2026-12-07T08:01:00Z", closed_at: null, author_association: "OWNER",
    active_lock_reason: null, body: issue.body, reactions: reactions(url), timeline_url: `${url}/timeline`, performed_via_github_app: null, state_reason: null,
  };
}

/** `issues` `labeled`: `sender` put `label` on the issue. */
export function issuesLabeled(input: { repository: ReturnType<typeof githubRepository>; issue: { number: number; title: string; body: string | null; author?: string }; label: string; sender: string }) {
  const issue = githubIssue(input.repository, { author: input.issue.author ?? input.sender, ...input.issue, labels: [input.label] });
  return { action: "labeled", issue, label: githubLabel(input.label), repository: input.repository, sender: githubUser(input.sender, 1002) };
}

/** `issue_comment` `created`: `sender` commented `body` on the issue. */
export function issueCommentCreated(input: { repository: ReturnType<typeof githubRepository>; issue: { number: number; title: string; body: string | null; author?: string }; body: string; sender: string }) {
  const issue = githubIssue(input.repository, { author: input.issue.author ?? input.sender, ...input.issue });
  const url = `${API}/repos/${input.repository.full_name}/issues/comments/77`;
  const comment = {
    url, html_url: `${issue.html_url}#issuecomment-77`, issue_url: issue.url, id: 77, node_id: "MDEyOklzc3VlQ29tbWVudDc3", user: githubUser(input.sender, 1002),
    created_at: "2026-12-07T08:05:00Z", updated_at: "2026-12-07T08:05:00Z", author_association: "COLLABORATOR", performed_via_github_app: null,
    body: input.body, reactions: reactions(url),
  };
  return { action: "created", issue, comment, repository: input.repository, sender: githubUser(input.sender, 1002) };
}

export const signDelivery = (secret: string, body: string) => `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;

/** The headers GitHub sends with a delivery of `event`, signed with `secret`. */
export function deliveryHeaders(event: string, body: string, secret: string, deliveryId: string = randomUUID()): Record<string, string> {
  return {
    "content-type": "application/json",
    "user-agent": "GitHub-Hookshot/5a1f2b3",
    "x-github-event": event,
    "x-github-delivery": deliveryId,
    "x-github-hook-id": "512345678",
    "x-github-hook-installation-target-id": "35129377",
    "x-github-hook-installation-target-type": "repository",
    "x-hub-signature-256": signDelivery(secret, body),
  };
}
