import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiError } from "@/lib/api/errors";
import { FORGE_TIMEOUT_MS, verifyToken } from "@/lib/git-credentials/forge";
import { forgeProject, openPullRequest, readPullRequest } from "@/lib/git-credentials/pull-requests";
import { startGitHubStandIn, startGitLabStandIn } from "../support/forge-stand-ins";

// The forge side of "open a pull request", against stand-ins: GitHub's checked against its OpenAPI
// description, GitLab's against its documentation by hand.
const GH_TOKEN = `ghp_${randomBytes(18).toString("hex")}`;
const GL_TOKEN = `glpat-${randomBytes(12).toString("hex")}`;
let github: Awaited<ReturnType<typeof startGitHubStandIn>>;
let gitlab: Awaited<ReturnType<typeof startGitLabStandIn>>;
let gh: { kind: "github"; apiUrl: string; host: string };
let gl: { kind: "gitlab"; apiUrl: string; host: string };

beforeAll(async () => {
  github = await startGitHubStandIn({ [GH_TOKEN]: { login: "alice", scopes: ["repo"] } }, { repositories: { "acme/widgets": { branches: ["main", "feature", "draft-work", "other"] } } });
  gitlab = await startGitLabStandIn({ [GL_TOKEN]: { username: "alice", scopes: ["api"] } }, { projects: { "acme/platform/widgets": { branches: ["main", "feature", "draft-work"] } } });
  gh = { kind: "github", apiUrl: github.url, host: "github.com" };
  gl = { kind: "gitlab", apiUrl: gitlab.apiUrl, host: "gitlab.example.com:8443" };
});

afterAll(async () => {
  expect(github.problems).toEqual([]);
  expect(gitlab.problems).toEqual([]);
  await github?.close();
  await gitlab?.close();
});

/** The ApiError a promise rejects with (failing the test if it resolves or throws something else). */
async function apiErrorOf(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}

const ghInput = { repoUrl: "https://github.com/acme/widgets.git", head: "feature", base: "main", title: "Add widgets", body: "Made by a task.", draft: false };
const glInput = { repoUrl: "https://gitlab.example.com:8443/acme/platform/widgets.git", head: "feature", base: "main", title: "Add widgets", body: "Made by a task.", draft: false };

describe("GitHub", () => {
  it("opens a pull request with the head, base, title, body and draft flag asked for", async () => {
    const { pullRequest, created } = await openPullRequest(gh, GH_TOKEN, ghInput);
    expect(created).toBe(true);
    expect(pullRequest).toEqual({ provider: "github", url: `https://github.com/acme/widgets/pull/${pullRequest.number}`, number: pullRequest.number, state: "open", draft: false });
    const list = github.requests.find((r) => r.method === "GET" && r.path === "/repos/acme/widgets/pulls");
    expect(list?.query).toMatchObject({ head: "acme:feature", base: "main", state: "open" });
    const create = github.requests.find((r) => r.method === "POST" && r.path === "/repos/acme/widgets/pulls");
    expect(create?.body).toEqual({ head: "feature", base: "main", title: "Add widgets", body: "Made by a task.", draft: false });
    expect(create?.authorization).toBe(`token ${GH_TOKEN}`);
  });

  it("answers the open pull request instead of opening a second one", async () => {
    const first = github.pulls.find((p) => p.head === "feature")!;
    const posts = github.requests.filter((r) => r.method === "POST").length;
    const { pullRequest, created } = await openPullRequest(gh, GH_TOKEN, ghInput);
    expect(created).toBe(false);
    expect(pullRequest.number).toBe(first.number);
    expect(github.pulls.filter((p) => p.head === "feature" && p.base === "main")).toHaveLength(1);
    expect(github.requests.filter((r) => r.method === "POST").length).toBe(posts);
  });

  it("two calls at once open one pull request: the loser of the race answers the winner's", async () => {
    const both = await Promise.all([0, 1].map(() => openPullRequest(gh, GH_TOKEN, { ...ghInput, base: "draft-work" })));
    expect(both.map((r) => r.created).sort()).toEqual([false, true]);
    expect(both[0].pullRequest.number).toBe(both[1].pullRequest.number);
    expect(github.pulls.filter((p) => p.head === "feature" && p.base === "draft-work")).toHaveLength(1);
  });

  it("opens a draft", async () => {
    const { pullRequest, created } = await openPullRequest(gh, GH_TOKEN, { ...ghInput, head: "draft-work", draft: true });
    expect(created).toBe(true);
    expect(pullRequest.draft).toBe(true);
    expect(github.requests.at(-1)?.body).toMatchObject({ head: "draft-work", draft: true });
  });

  it("reads a pull request as it goes from open to merged, and another to closed", async () => {
    const { pullRequest } = await openPullRequest(gh, GH_TOKEN, { ...ghInput, head: "other" });
    const read = () => readPullRequest(gh, GH_TOKEN, { repoUrl: ghInput.repoUrl, number: pullRequest.number });
    expect(await read()).toEqual(pullRequest);
    github.setPullState(pullRequest.number, "merged");
    expect((await read()).state).toBe("merged");
    github.setPullState(pullRequest.number, "closed");
    expect((await read()).state).toBe("closed");
    const missing = await apiErrorOf(readPullRequest(gh, GH_TOKEN, { repoUrl: ghInput.repoUrl, number: 999 }));
    expect(missing.status).toBe(422);
    expect(missing.message).toBe("github.com has no repository acme/widgets (or no pull request #999 in it) that this token can see.");
    // A closed pull request is not "open": asking again opens a new one.
    const again = await openPullRequest(gh, GH_TOKEN, { ...ghInput, head: "other" });
    expect(again.created).toBe(true);
    expect(again.pullRequest.number).not.toBe(pullRequest.number);
  });

  it("turns GitHub's validation failure into a 422 with its words", async () => {
    github.fail("validation", { method: "POST" });
    const error = await apiErrorOf(openPullRequest(gh, GH_TOKEN, { ...ghInput, head: "feature", base: "other" }));
    expect(error.status).toBe(422);
    expect(error.extra.detail).toContain("Validation Failed");
    expect(error.extra.detail).toContain("A pull request already exists for acme:feature.");
    expect(JSON.stringify(error)).not.toContain(GH_TOKEN);
  });

  it("a base branch GitHub does not have is a 422 naming the field", async () => {
    const error = await apiErrorOf(openPullRequest(gh, GH_TOKEN, { ...ghInput, base: "no-such-branch" }));
    expect(error.status).toBe(422);
    expect(error.extra.detail).toContain("PullRequest base invalid");
  });

  it("a refused or revoked token is a 403", async () => {
    // GitHub documents a 403 for creating, not for listing: the lookup passes, the create is refused.
    github.fail("forbidden", { method: "POST" });
    const forbidden = await apiErrorOf(openPullRequest(gh, GH_TOKEN, { ...ghInput, base: "other" }));
    expect(forbidden.status).toBe(403);
    expect(forbidden.message).toMatch(/^github\.com refused/);
    expect(forbidden.extra.detail).toContain("Resource not accessible by personal access token");
    const revoked = await apiErrorOf(openPullRequest(gh, "ghp_revoked", ghInput));
    expect(revoked.status).toBe(403);
    expect(revoked.message).toContain("Settings → Git credentials");
    expect(revoked.extra.detail).toContain("Bad credentials");
  });

  it("a repository the token cannot see is a 422", async () => {
    const error = await apiErrorOf(openPullRequest(gh, GH_TOKEN, { ...ghInput, repoUrl: "https://github.com/acme/secret" }));
    expect(error.status).toBe(422);
    expect(error.message).toBe("github.com has no repository acme/secret that this token can see.");
  });

  it("a 5xx is a 502, tried once", async () => {
    github.fail("bad-gateway", { times: 5 });
    const before = github.requests.length;
    const error = await apiErrorOf(openPullRequest(gh, GH_TOKEN, ghInput));
    expect(error.status).toBe(502);
    expect(github.requests.length - before).toBe(1);
    github.resetFailures();
  });

  it("a forge that refuses the connection is a 502", async () => {
    const error = await apiErrorOf(openPullRequest({ ...gh, apiUrl: "http://127.0.0.1:1" }, GH_TOKEN, ghInput));
    expect(error.status).toBe(502);
    expect(error.message).toBe("github.com could not be reached.");
    const gitlabError = await apiErrorOf(readPullRequest({ ...gl, apiUrl: "http://127.0.0.1:1/api/v4" }, GL_TOKEN, { repoUrl: glInput.repoUrl, number: 1 }));
    expect(gitlabError.status).toBe(502);
    expect(gitlabError.message).toBe("gitlab.example.com:8443 could not be reached.");
  });

  it("a redirect is not followed: the token goes nowhere but the API it was stored for (502)", async () => {
    const elsewhere = await startGitHubStandIn({ [GH_TOKEN]: { login: "alice", scopes: ["repo"] } }, { repositories: { "acme/widgets": { branches: ["main", "feature"] } } });
    try {
      github.fail({ status: 307, body: { message: "Moved" }, headers: { location: `${elsewhere.url}/repos/acme/widgets/pulls` } });
      const error = await apiErrorOf(openPullRequest(gh, GH_TOKEN, { ...ghInput, base: "other" }));
      expect(error.status).toBe(502);
      gitlab.fail({ status: 302, body: { message: "Moved" }, headers: { location: `${elsewhere.url}/elsewhere` } });
      expect((await apiErrorOf(openPullRequest(gl, GL_TOKEN, glInput))).status).toBe(502);
      expect(elsewhere.requests).toEqual([]);
    } finally {
      await elsewhere.close();
    }
  });

  it("a URL on another host, or one that names no repository, is a 409", async () => {
    expect((await apiErrorOf(openPullRequest(gh, GH_TOKEN, { ...ghInput, repoUrl: "https://gitlab.com/acme/widgets" }))).status).toBe(409);
    expect((await apiErrorOf(openPullRequest(gh, GH_TOKEN, { ...ghInput, repoUrl: "https://github.com/acme" }))).status).toBe(409);
    expect((await apiErrorOf(openPullRequest({ ...gh, kind: "generic" as never }, GH_TOKEN, ghInput))).status).toBe(409);
  });

  it(
    "a forge that never answers is a 502 within FORGE_TIMEOUT_MS for the whole call, lookup and create together",
    async () => {
      expect(FORGE_TIMEOUT_MS).toBe(15_000);
      // The lookup takes 8 s, the create never answers: one deadline for both, not 15 s each.
      github.fail({ delayMs: 8_000 }, { method: "GET" });
      github.fail("hang", { method: "POST" });
      const started = Date.now();
      const error = await apiErrorOf(openPullRequest(gh, GH_TOKEN, { ...ghInput, head: "draft-work", base: "other" }));
      const elapsed = Date.now() - started;
      expect(error.status).toBe(502);
      expect(error.message).toBe("github.com did not answer within 15 s.");
      expect(github.requests.at(-1)?.method).toBe("POST");
      expect(elapsed).toBeGreaterThanOrEqual(FORGE_TIMEOUT_MS - 100);
      expect(elapsed).toBeLessThan(16_000);
      github.resetFailures();
    },
    25_000,
  );
});

describe("GitLab", () => {
  it("opens a merge request, by the URL-encoded project path", async () => {
    const { pullRequest, created } = await openPullRequest(gl, GL_TOKEN, glInput);
    expect(created).toBe(true);
    expect(pullRequest).toEqual({ provider: "gitlab", url: `${gitlab.url}/acme/platform/widgets/-/merge_requests/1`, number: 1, state: "open", draft: false });
    const list = gitlab.requests.find((r) => r.method === "GET" && r.path.endsWith("/merge_requests"));
    expect(list?.url).toContain("/api/v4/projects/acme%2Fplatform%2Fwidgets/merge_requests?");
    expect(list?.query).toMatchObject({ source_branch: "feature", target_branch: "main", state: "opened" });
    const create = gitlab.requests.find((r) => r.method === "POST");
    expect(create?.body).toEqual({ source_branch: "feature", target_branch: "main", title: "Add widgets", description: "Made by a task." });
    expect(create?.authorization).toBe(GL_TOKEN);
  });

  it("answers the open merge request instead of opening a second one", async () => {
    const { pullRequest, created } = await openPullRequest(gl, GL_TOKEN, glInput);
    expect(created).toBe(false);
    expect(pullRequest.number).toBe(1);
    expect(gitlab.mergeRequests).toHaveLength(1);
  });

  it("two calls at once open one merge request: the loser of the race answers the winner's", async () => {
    const both = await Promise.all([0, 1].map(() => openPullRequest(gl, GL_TOKEN, { ...glInput, head: "draft-work", base: "feature" })));
    expect(both.map((r) => r.created).sort()).toEqual([false, true]);
    expect(both[0].pullRequest.number).toBe(both[1].pullRequest.number);
    expect(gitlab.mergeRequests.filter((m) => m.source === "draft-work" && m.target === "feature")).toHaveLength(1);
  });

  it("a draft is a title starting Draft:", async () => {
    const { pullRequest } = await openPullRequest(gl, GL_TOKEN, { ...glInput, head: "draft-work", draft: true });
    expect(pullRequest.draft).toBe(true);
    expect(gitlab.requests.at(-1)?.body).toMatchObject({ title: "Draft: Add widgets" });
    expect(gitlab.mergeRequests.at(-1)?.title).toBe("Draft: Add widgets");
  });

  it("reads a merge request's state: opened, merged, closed, locked", async () => {
    const read = () => readPullRequest(gl, GL_TOKEN, { repoUrl: glInput.repoUrl, number: 1 });
    expect((await read()).state).toBe("open");
    for (const [state, ours] of [["merged", "merged"], ["closed", "closed"], ["locked", "closed"], ["opened", "open"]] as const) {
      gitlab.setMergeRequestState(1, state);
      expect(await read()).toMatchObject({ state: ours, number: 1, draft: false });
    }
  });

  it("GitLab's refusals are 422 with its message, whatever its shape", async () => {
    const missing = await apiErrorOf(openPullRequest(gl, GL_TOKEN, { ...glInput, base: "no-such-branch" }));
    expect(missing.status).toBe(422);
    expect(missing.extra.detail).toContain('Target branch "no-such-branch" does not exist');
    gitlab.fail({ status: 400, body: { message: { source_branch: ["is invalid"], title: ["is too long"] } } }, { method: "POST" });
    const object = await apiErrorOf(openPullRequest(gl, GL_TOKEN, { ...glInput, base: "draft-work" }));
    expect(object.status).toBe(422);
    expect(object.extra.detail).toContain("source_branch is invalid; title is too long");
    // A 409 that is not the race (no open merge request to answer instead) is a 422 too.
    gitlab.fail({ status: 409, body: { message: "Cannot create merge request" } }, { method: "POST" });
    const conflict = await apiErrorOf(openPullRequest(gl, GL_TOKEN, { ...glInput, base: "draft-work" }));
    expect(conflict.status).toBe(422);
    expect(conflict.extra.detail).toContain("Cannot create merge request");
  });

  it("a refused token is a 403, an unknown project a 422, a 502 a 502 tried once", async () => {
    const revoked = await apiErrorOf(openPullRequest(gl, "glpat-revoked", glInput));
    expect(revoked.status).toBe(403);
    expect(revoked.message).toContain("Settings → Git credentials");
    gitlab.fail("forbidden");
    expect((await apiErrorOf(openPullRequest(gl, GL_TOKEN, glInput))).status).toBe(403);
    const unknown = await apiErrorOf(openPullRequest(gl, GL_TOKEN, { ...glInput, repoUrl: "https://gitlab.example.com:8443/acme/secret" }));
    expect(unknown.status).toBe(422);
    expect(unknown.message).toBe("gitlab.example.com:8443 has no repository acme/secret that this token can see.");
    // Gitbeaker's own requester would retry a 502 up to ten times; ours asks once.
    gitlab.fail("bad-gateway", { times: 3 });
    const before = gitlab.requests.length;
    const error = await apiErrorOf(openPullRequest(gl, GL_TOKEN, glInput));
    expect(error.status).toBe(502);
    expect(gitlab.requests.length - before).toBe(1);
    gitlab.resetFailures();
  });

  it(
    "a GitLab that never answers is a 502 within FORGE_TIMEOUT_MS for the whole call",
    async () => {
      gitlab.fail({ delayMs: 8_000 }, { method: "GET" });
      gitlab.fail("hang", { method: "POST" });
      const started = Date.now();
      const error = await apiErrorOf(openPullRequest(gl, GL_TOKEN, { ...glInput, base: "draft-work" }));
      const elapsed = Date.now() - started;
      expect(error.status).toBe(502);
      expect(error.message).toBe("gitlab.example.com:8443 did not answer within 15 s.");
      expect(gitlab.requests.at(-1)?.method).toBe("POST");
      expect(elapsed).toBeGreaterThanOrEqual(FORGE_TIMEOUT_MS - 100);
      expect(elapsed).toBeLessThan(16_000);
      gitlab.resetFailures();
    },
    25_000,
  );
});

describe("forgeProject", () => {
  it("names the project of https URLs with or without .git, nested GitLab groups and a port", () => {
    expect(forgeProject("github", "https://github.com/acme/widgets")).toBe("acme/widgets");
    expect(forgeProject("github", "https://github.com/acme/widgets.git/")).toBe("acme/widgets");
    expect(forgeProject("gitlab", "https://gitlab.com/acme/platform/tools/widgets.git")).toBe("acme/platform/tools/widgets");
    expect(forgeProject("gitlab", "https://gitlab.example.com:8443/acme/platform/widgets")).toBe("acme/platform/widgets");
    expect(() => forgeProject("github", "https://github.com/acme/platform/widgets")).toThrow(ApiError);
  });
});

describe("verifyToken, on the clients it now shares with pull requests", () => {
  it("still asks GitHub and GitLab whose token it is", async () => {
    expect(await verifyToken(gh, GH_TOKEN)).toEqual({ login: "alice", scopes: ["repo"] });
    expect(await verifyToken(gl, GL_TOKEN)).toEqual({ login: "alice", scopes: ["api"] });
    expect((await apiErrorOf(verifyToken(gl, "glpat-revoked"))).status).toBe(400);
  });
});
