import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestUser, echoTemplateVersion, raw, type TestUser } from "../support/api";
import { testSql } from "../support/db";
import { startGitHubStandIn, startGitLabStandIn } from "../support/forge-stand-ins";
import { inject } from "vitest";

const sql = testSql();
const ownerToken = () => inject("ownerToken");
const GH_TOKEN = `ghp_${randomBytes(18).toString("hex")}`;
const GL_TOKEN = `glpat-${randomBytes(12).toString("hex")}`;
let github: Awaited<ReturnType<typeof startGitHubStandIn>>;
let gitlab: Awaited<ReturnType<typeof startGitLabStandIn>>;
let alice: TestUser;
let bob: TestUser;
let admin: TestUser;
const suffix = randomUUID().slice(0, 6);
const ghHost = `ghe-${suffix}.example.com`;
const glHost = `gitlab-${suffix}.example.com:8443`;
const genericHost = `git-${suffix}.example.com`;
const providerIds: string[] = [];

beforeAll(async () => {
  github = await startGitHubStandIn({ [GH_TOKEN]: { login: "alice-gh", scopes: ["repo", "read:org"] } });
  gitlab = await startGitLabStandIn({ [GL_TOKEN]: { username: "alice-gl", scopes: ["read_repository", "write_repository", "api"] } });
  [alice, bob, admin] = await Promise.all([createTestUser(), createTestUser(), createTestUser("admin")]);
  for (const body of [
    { kind: "github", host: ghHost, api_url: github.url },
    { kind: "gitlab", host: glHost, api_url: gitlab.apiUrl },
    { kind: "generic", host: genericHost },
  ]) {
    const res = await raw("POST", "/api/v2/git-providers", { token: ownerToken(), body });
    expect(res.status).toBe(201);
    providerIds.push(res.body.id);
  }
});

afterAll(async () => {
  for (const id of providerIds) await raw("DELETE", `/api/v2/git-providers/${id}`, { token: ownerToken() });
  await github?.close();
  await gitlab?.close();
});

describe("git providers (owner only)", () => {
  it("answers 201 {id, kind, host, api_url}, lists for everyone signed in, and refuses a second provider for a host", async () => {
    const list = await raw("GET", "/api/v2/git-providers", { token: alice.token });
    expect(list.status).toBe(200);
    expect(list.body).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: "github", host: ghHost, api_url: github.url }),
        expect.objectContaining({ kind: "gitlab", host: glHost, api_url: gitlab.apiUrl }),
        expect.objectContaining({ kind: "generic", host: genericHost, api_url: "" }),
      ]),
    );
    const again = await raw("POST", "/api/v2/git-providers", { token: ownerToken(), body: { kind: "github", host: ghHost.toUpperCase() } });
    expect(again.status).toBe(409);
  });

  it("defaults api_url: api.github.com for github.com, /api/v3 for GitHub Enterprise hosts, /api/v4 for GitLab; nothing is contacted", async () => {
    const created: { id: string; api_url: string; host: string }[] = [];
    for (const body of [
      { kind: "github", host: "github.com" },
      { kind: "github", host: `ghes-${suffix}.example.com:8443` },
      { kind: "gitlab", host: `gl2-${suffix}.example.com` },
    ]) {
      // github.com may exist from another test file; only this file's own hosts are asserted then.
      const res = await raw("POST", "/api/v2/git-providers", { token: ownerToken(), body });
      if (res.status === 409) continue;
      expect(res.status).toBe(201);
      created.push(res.body);
    }
    const byHost = Object.fromEntries(created.map((p) => [p.host, p.api_url]));
    if (byHost["github.com"]) expect(byHost["github.com"]).toBe("https://api.github.com");
    expect(byHost[`ghes-${suffix}.example.com:8443`]).toBe(`https://ghes-${suffix}.example.com:8443/api/v3`);
    expect(byHost[`gl2-${suffix}.example.com`]).toBe(`https://gl2-${suffix}.example.com/api/v4`);
    for (const p of created) expect((await raw("DELETE", `/api/v2/git-providers/${p.id}`, { token: ownerToken() })).status).toBe(204);
  });

  it("keeps a webhook secret sealed: never answered, never in the database in plaintext", async () => {
    const secret = `whsec-${randomBytes(12).toString("hex")}`;
    const res = await raw("POST", "/api/v2/git-providers", { token: ownerToken(), body: { kind: "github", host: `hook-${suffix}.example.com`, api_url: github.url, webhook_secret: secret } });
    expect(res.status).toBe(201);
    expect(Object.keys(res.body).sort()).toEqual(["api_url", "created_at", "host", "id", "issue_label", "issue_template_id", "kind", "webhook_secret_set"]);
    expect(res.body.webhook_secret_set).toBe(true);
    const [row] = await sql`SELECT webhook_secret_encrypted FROM git_providers WHERE id = ${res.body.id}`;
    expect(row.webhook_secret_encrypted).toMatch(/^v1:/);
    expect(row.webhook_secret_encrypted).not.toContain(secret);
    expect((await raw("GET", "/api/v2/git-providers", { token: ownerToken() })).text).not.toContain(secret);
    expect((await raw("DELETE", `/api/v2/git-providers/${res.body.id}`, { token: ownerToken() })).status).toBe(204);
  });

  it("is 403 for members and admins (create, delete), and 404 for an unknown id", async () => {
    for (const user of [alice, admin]) {
      const create = await raw("POST", "/api/v2/git-providers", { token: user.token, body: { kind: "github", host: `x-${suffix}.example.com` } });
      expect(create.status).toBe(403);
      expect(create.body.message).toBeTruthy();
      expect((await raw("DELETE", `/api/v2/git-providers/${providerIds[0]}`, { token: user.token })).status).toBe(403);
    }
    expect((await raw("DELETE", `/api/v2/git-providers/${randomUUID()}`, { token: ownerToken() })).status).toBe(404);
    expect((await raw("DELETE", "/api/v2/git-providers/not-a-uuid", { token: ownerToken() })).status).toBe(404);
  });

  it("refuses bad input with 400 naming the field", async () => {
    const cases: [unknown, string][] = [
      [{ kind: "bitbucket", host: "bitbucket.org" }, "kind"],
      [{ kind: "github", host: "https://github.com" }, "host"],
      [{ kind: "github", host: "user@github.com" }, "host"],
      [{ kind: "github", host: "github.com/acme" }, "host"],
      [{ kind: "github", host: "github.com:99999" }, "host"],
      [{ kind: "github", host: `a-${suffix}.example.com`, api_url: "ftp://example.com" }, "api_url"],
      [{ kind: "github", host: `a-${suffix}.example.com`, api_url: "https://u:p@example.com" }, "api_url"],
      [{ kind: "gitlab", host: `a-${suffix}.example.com`, api_url: "https://example.com/api" }, "api_url"],
      [{ kind: "generic", host: `a-${suffix}.example.com`, api_url: "https://example.com" }, "api_url"],
      [{ host: "github.com" }, "kind"],
    ];
    for (const [body, field] of cases) {
      const res = await raw("POST", "/api/v2/git-providers", { token: ownerToken(), body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.validations.map((v: { field: string }) => v.field)).toContain(field);
    }
  });
});

describe("git credentials (each user's own)", () => {
  it("GitHub: reads the login and scopes from the forge with the token (a request GitHub's OpenAPI description allows) and never answers the token", async () => {
    const res = await raw("POST", "/api/v2/users/me/git-credentials", { token: alice.token, body: { host: ghHost, token: GH_TOKEN } });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.any(String),
      host: ghHost,
      provider_id: providerIds[0],
      provider_kind: "github",
      login: "alice-gh",
      scopes: ["repo", "read:org"],
      token_last4: GH_TOKEN.slice(-4),
      created_at: expect.any(String),
      last_used_at: null,
    });
    expect(res.text).not.toContain(GH_TOKEN);
    expect(github.requests.length).toBeGreaterThan(0);
    expect(github.problems).toEqual([]);
    const list = await raw("GET", "/api/v2/users/me/git-credentials", { token: alice.token });
    expect(list.body.map((c: { host: string }) => c.host)).toEqual([ghHost]);
    expect(list.text).not.toContain(GH_TOKEN);
  });

  it("stores the token encrypted: the row holds neither the token nor any long piece of it", async () => {
    const rows = await sql`SELECT row_to_json(c)::text AS row FROM git_credentials c WHERE user_id = ${alice.id}`;
    expect(rows.length).toBe(1);
    expect(rows[0].row).not.toContain(GH_TOKEN);
    expect(rows[0].row).not.toContain(GH_TOKEN.slice(4, 20));
    expect(rows[0].row).not.toContain(Buffer.from(GH_TOKEN).toString("base64").slice(0, 16));
  });

  it("a token GitHub refuses is a 400 on the token field, and nothing is stored", async () => {
    const res = await raw("POST", "/api/v2/users/me/git-credentials", { token: bob.token, body: { host: ghHost, token: "ghp_wrong" } });
    expect(res.status).toBe(400);
    expect(res.body.validations).toEqual([{ field: "token", detail: expect.stringContaining("401") }]);
    expect(res.text).not.toContain("ghp_wrong");
    expect((await raw("GET", "/api/v2/users/me/git-credentials", { token: bob.token })).body).toEqual([]);
    expect(github.problems).toEqual([]);
  });

  it("GitLab: the login from GET /user and the scopes from the token's own description (through @gitbeaker/rest)", async () => {
    const res = await raw("POST", "/api/v2/users/me/git-credentials", { token: alice.token, body: { host: glHost, token: GL_TOKEN } });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ host: glHost, provider_kind: "gitlab", login: "alice-gl", scopes: ["read_repository", "write_repository", "api"], token_last4: GL_TOKEN.slice(-4) });
    expect(gitlab.requests.map((r) => `${r.method} ${r.url}`)).toEqual(expect.arrayContaining(["GET /api/v4/user", "GET /api/v4/personal_access_tokens/self"]));
    const bad = await raw("POST", "/api/v2/users/me/git-credentials", { token: bob.token, body: { host: glHost, token: "glpat-wrong" } });
    expect(bad.status).toBe(400);
  });

  it("generic: no forge to ask; the login is the given user name or `git`", async () => {
    const named = await raw("POST", "/api/v2/users/me/git-credentials", { token: bob.token, body: { host: genericHost, token: "generic-secret-1", username: "bob-on-lab" } });
    expect(named.status).toBe(201);
    expect(named.body).toMatchObject({ login: "bob-on-lab", scopes: null, token_last4: "et-1" });
    // Saving again replaces it (one credential per provider).
    const plain = await raw("POST", "/api/v2/users/me/git-credentials", { token: bob.token, body: { host: genericHost, token: "generic-secret-2" } });
    expect(plain.status).toBe(201);
    expect(plain.body).toMatchObject({ login: "git", token_last4: "et-2" });
    expect((await raw("GET", "/api/v2/users/me/git-credentials", { token: bob.token })).body).toHaveLength(1);
  });

  it("a host no provider is configured for is a 400: no other host is ever contacted", async () => {
    const res = await raw("POST", "/api/v2/users/me/git-credentials", { token: alice.token, body: { host: "127.0.0.1:9", token: "abc" } });
    expect(res.status).toBe(400);
    expect(res.body.validations[0].field).toBe("host");
  });

  it("refuses bad input with 400 naming the field", async () => {
    const cases: [unknown, string][] = [
      [{ host: ghHost }, "token"],
      [{ host: ghHost, token: "" }, "token"],
      [{ host: ghHost, token: "has space" }, "token"],
      [{ host: ghHost, token: "x".repeat(5000) }, "token"],
      [{ host: "https://x", token: "abc" }, "host"],
      [{ host: genericHost, token: "abc", username: "a:b" }, "username"],
      [{ host: ghHost, token: 42 }, "token"],
    ];
    for (const [body, field] of cases) {
      const res = await raw("POST", "/api/v2/users/me/git-credentials", { token: alice.token, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.validations.map((v: { field: string }) => v.field)).toContain(field);
    }
  });

  it("another member cannot see, delete or add a user's credentials (404; adding for someone else is 403 even for the owner)", async () => {
    const [mine] = (await raw("GET", "/api/v2/users/me/git-credentials", { token: alice.token })).body;
    expect((await raw("GET", `/api/v2/users/${alice.username}/git-credentials`, { token: bob.token })).status).toBe(404);
    expect((await raw("GET", `/api/v2/users/${alice.id}/git-credentials`, { token: bob.token })).status).toBe(404);
    expect((await raw("DELETE", `/api/v2/users/${alice.username}/git-credentials/${mine.id}`, { token: bob.token })).status).toBe(404);
    // Bob's own path with Alice's id deletes nothing either.
    expect((await raw("DELETE", `/api/v2/users/me/git-credentials/${mine.id}`, { token: bob.token })).status).toBe(404);
    expect((await raw("POST", `/api/v2/users/${alice.username}/git-credentials`, { token: bob.token, body: { host: ghHost, token: GH_TOKEN } })).status).toBe(404);
    expect((await raw("POST", `/api/v2/users/${alice.username}/git-credentials`, { token: ownerToken(), body: { host: ghHost, token: GH_TOKEN } })).status).toBe(403);
    // An owner may list (never a token) and revoke anyone's.
    const seen = await raw("GET", `/api/v2/users/${alice.username}/git-credentials`, { token: ownerToken() });
    expect(seen.status).toBe(200);
    expect(seen.text).not.toContain(GH_TOKEN);
  });
});

describe("a repository on a provider's host", () => {
  const create = async (user: TestUser, repoUrl: string) =>
    raw("POST", "/api/v2/tasks/me", {
      token: user.token,
      body: { input: "Work on it", template_version_id: await echoTemplateVersion(), rich_parameter_values: [{ name: "repo_url", value: repoUrl }] },
    });

  it("without the owner's credential for that host, create is a 400 naming the host and where to add one", async () => {
    const res = await create(bob, `https://${ghHost}/acme/private.git`);
    expect(res.status).toBe(400);
    expect(res.body.message).toContain(ghHost);
    expect(res.body.message).toContain("Settings → Git credentials");
    expect(res.body.message).toContain("taskyard git-credentials add");
    expect(res.body.validations[0].field).toBe("rich_parameter_values.0.repo_url");
  });

  it("with one it is created; a host without a provider is cloned as before (public)", async () => {
    expect((await create(alice, `https://${ghHost}/acme/private.git`)).status).toBe(201);
    expect((await create(bob, `https://public-${suffix}.example.com/acme/app.git`)).status).toBe(201);
  });

  it("plain http:// to a provider whose API is https is a 400: the token never goes there in the clear", async () => {
    const tls = `tls-${suffix}.example.com`;
    const res = await raw("POST", "/api/v2/git-providers", { token: ownerToken(), body: { kind: "github", host: tls } });
    try {
      const refused = await create(alice, `http://${tls}/acme/private.git`);
      expect(refused.status).toBe(400);
      expect(refused.body.validations).toEqual([{ field: "rich_parameter_values.0.repo_url", detail: expect.stringContaining(`must be https:// for ${tls}`) }]);
      // ghHost's provider speaks http (its API is the local stand-in): http is fine there, as for a lab's git server.
      expect((await create(alice, `http://${ghHost}/acme/private.git`)).status).toBe(201);
    } finally {
      await raw("DELETE", `/api/v2/git-providers/${res.body.id}`, { token: ownerToken() });
    }
  });

  it("deleting a provider deletes every credential for it", async () => {
    const res = await raw("POST", "/api/v2/git-providers", { token: ownerToken(), body: { kind: "generic", host: `gone-${suffix}.example.com` } });
    await raw("POST", "/api/v2/users/me/git-credentials", { token: alice.token, body: { host: `gone-${suffix}.example.com`, token: "t0ken-gone" } });
    expect((await raw("DELETE", `/api/v2/git-providers/${res.body.id}`, { token: ownerToken() })).status).toBe(204);
    const hosts = (await raw("GET", "/api/v2/users/me/git-credentials", { token: alice.token })).body.map((c: { host: string }) => c.host);
    expect(hosts).not.toContain(`gone-${suffix}.example.com`);
  });

  it("a deleted credential is gone (204, then 404)", async () => {
    const [, gl] = (await raw("GET", "/api/v2/users/me/git-credentials", { token: alice.token })).body;
    expect((await raw("DELETE", `/api/v2/users/me/git-credentials/${gl.id}`, { token: alice.token })).status).toBe(204);
    expect((await raw("DELETE", `/api/v2/users/me/git-credentials/${gl.id}`, { token: alice.token })).status).toBe(404);
    expect((await raw("DELETE", "/api/v2/users/me/git-credentials/not-a-uuid", { token: alice.token })).status).toBe(404);
  });
});

