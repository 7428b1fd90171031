import { createRequire } from "node:module";
import http from "node:http";
import type { AddressInfo } from "node:net";
import Ajv from "ajv";

type Spec = {
  openapi: string;
  paths: Record<string, Record<string, { parameters?: { name: string; in: string; required?: boolean; schema?: object }[]; requestBody?: { required?: boolean; content: Record<string, { schema: object }> } }>>;
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
  const parameters = operation.parameters ?? [];
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
  const response = (githubSpec().paths[template][method] as { responses?: Record<string, { content?: Record<string, { schema: object }> }> }).responses?.[String(status)];
  const documented = JSON.stringify(response?.content?.["application/json"]?.schema ?? {});
  if (!documented.includes(`"#/components/schemas/${schemaName}"`)) return [`${method} ${template} never answers ${status} with ${schemaName}`];
  const validate = githubAjv().compile({ $ref: `${SPEC_ID}#/components/schemas/${schemaName}` });
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

/**
 * A stand-in for GitHub's REST API (`GET /user` with `x-oauth-scopes`), at the root like
 * api.github.com. `tokens` maps each token it accepts to its login and scopes. Every request is
 * checked against GitHub's OpenAPI description; any problem is kept in `problems` (the test asserts
 * it stays empty) and answered 400.
 */
export async function startGitHubStandIn(tokens: Record<string, { login: string; scopes: string[] }>) {
  const requests: { method: string; url: string; authorization: string }[] = [];
  const problems: string[] = [];
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
    requests.push({ method: req.method ?? "", url: req.url ?? "", authorization: String(req.headers.authorization ?? "") });
    const found = githubRequestProblems({ method: req.method ?? "", url: req.url ?? "/", headers: req.headers }, body);
    if (found.length) {
      problems.push(...found);
      res.writeHead(400, { "content-type": "application/json" }).end(JSON.stringify({ message: found.join("; ") }));
      return;
    }
    const token = String(req.headers.authorization ?? "").split(" ")[1];
    const owner = tokens[token];
    if (!owner) {
      res.writeHead(401, { "content-type": "application/json" }).end(JSON.stringify({ message: "Bad credentials", documentation_url: "https://docs.github.com/rest" }));
      return;
    }
    if (req.method === "GET" && new URL(req.url ?? "/", "http://x").pathname === "/user") {
      const answer = privateUser(owner.login);
      problems.push(...githubResponseProblems("/user", "get", 200, "private-user", answer));
      res.writeHead(200, { "content-type": "application/json; charset=utf-8", "x-oauth-scopes": owner.scopes.join(", "), "x-github-media-type": "github.v3; format=json" });
      res.end(JSON.stringify(answer));
      return;
    }
    res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ message: "Not Found" }));
  }
  const url = await listen(server);
  return { url, requests, problems, close: () => new Promise((r) => server.close(r)) };
}

/** A stand-in for GitLab's REST API v4: `GET /api/v4/user` and `GET /api/v4/personal_access_tokens/self`, by `PRIVATE-TOKEN`. */
export async function startGitLabStandIn(tokens: Record<string, { username: string; scopes: string[] }>) {
  const requests: { method: string; url: string }[] = [];
  const server = http.createServer(async (req, res) => {
    await readBody(req);
    requests.push({ method: req.method ?? "", url: req.url ?? "" });
    const token = String(req.headers["private-token"] ?? String(req.headers.authorization ?? "").replace(/^Bearer /, ""));
    const owner = tokens[token];
    const path = new URL(req.url ?? "/", "http://x").pathname;
    if (!owner) return void res.writeHead(401, { "content-type": "application/json" }).end(JSON.stringify({ message: "401 Unauthorized" }));
    if (req.method === "GET" && path === "/api/v4/user") {
      return void res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ id: 7, username: owner.username, name: owner.username, state: "active" }));
    }
    if (req.method === "GET" && path === "/api/v4/personal_access_tokens/self") {
      return void res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ id: 3, name: "taskyard", revoked: false, scopes: owner.scopes, user_id: 7, active: true }));
    }
    res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ message: "404 Not Found" }));
  });
  const url = await listen(server);
  return { url, apiUrl: `${url}/api/v4`, requests, close: () => new Promise((r) => server.close(r)) };
}
