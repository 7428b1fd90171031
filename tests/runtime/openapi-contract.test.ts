import { execFileSync } from "node:child_process";
import { createHash, randomBytes, randomUUID } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { Validator } from "@seriousme/openapi-schema-validator";
import Ajv2020 from "ajv/dist/2020";
import addFormats from "ajv-formats";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Task } from "../../lib/sdk/client";
import { baseUrl, createTestUser, echoTemplateVersion, ownerClient, raw, type RawResponse, type TestUser } from "../support/api";
import { startGitHubStandIn } from "../support/forge-stand-ins";
import { deliveryHeaders } from "../support/github-webhooks";
import { startExtraServer } from "../support/extra-server";
import { db, waitFor, waitForState, waitForStatus } from "../support/runtime";
import { insertTemplateVersion } from "../support/templates";

type Doc = { components: object; paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: object }> }> }>> };

const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
const git = (cwd: string, ...args: string[]) => execFileSync("git", ["-c", "safe.directory=*", ...args], { cwd, encoding: "utf8" }).trim();

/**
 * Every route, called for real, answers what GET /api/v2/openapi.json says: a documented status
 * and, for JSON, a body its schema accepts. The last test checks that no route was left out.
 */
describe("the OpenAPI document against the real API", () => {
  let doc: Doc;
  const checked = new Set<string>();
  let alice: TestUser;
  let task: Task;
  let repoDir: string;

  /** `template` is the document's path (`/api/v2/tasks/{user}`); the request went to a real one. */
  function conforms(method: string, template: string, res: RawResponse) {
    const op = doc.paths[template]?.[method.toLowerCase()];
    expect(op, `${method} ${template} is documented`).toBeTruthy();
    const documented = op.responses[String(res.status)];
    expect(documented, `${method} ${template} answered ${res.status}, which is not documented: ${res.text.slice(0, 300)}`).toBeTruthy();
    // `/agentapi/*` answers its errors as AgentAPI does, as problem JSON.
    const json = documented.content?.["application/json"] ?? documented.content?.["application/problem+json"];
    if (json) {
      // The document's own components travel along, so `#/components/schemas/Error` resolves.
      const validate = ajv.compile({ ...json.schema, components: doc.components });
      expect(validate(res.body), `${method} ${template} ${res.status}: ${ajv.errorsText(validate.errors)}\n${res.text.slice(0, 500)}`).toBe(true);
    } else if (documented.content?.["text/event-stream"]) {
      expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
    } else {
      expect(res.text, `${method} ${template} ${res.status} has no documented body`).toBe("");
    }
    checked.add(`${method.toLowerCase()} ${template}`);
  }

  const call = async (method: string, template: string, url: string, options: Parameters<typeof raw>[2] = {}) => {
    const res = await raw(method, url, options);
    conforms(method, template, res);
    return res;
  };

  /** Only the head of a stream: the headers say what it is, and it never ends by itself. */
  async function callStream(template: string, url: string, token: string) {
    const controller = new AbortController();
    const res = await fetch(`${baseUrl()}${url}`, { headers: { "Coder-Session-Token": token }, signal: controller.signal });
    conforms("GET", template, { status: res.status, headers: res.headers, body: undefined, text: "" });
    controller.abort();
  }

  beforeAll(async () => {
    doc = (await raw("GET", "/api/v2/openapi.json")).body;
    alice = await createTestUser();
    repoDir = await fs.mkdtemp(path.join(inject("repoRoot"), "openapi-"));
    git(repoDir, "init", "--quiet", "--initial-branch=main");
    await fs.writeFile(path.join(repoDir, "README.md"), "hello\n");
    git(repoDir, "add", ".");
    git(repoDir, "-c", "user.name=Test", "-c", "user.email=test@example.com", "commit", "--quiet", "-m", "initial");
    await fs.chmod(repoDir, 0o755); // agents run as `nobody` when the tests run as root
    task = await alice.client.createTask({
      input: "Contract",
      template_version_id: await echoTemplateVersion(),
      name: "contract",
      rich_parameter_values: [{ name: "repo_url", value: repoDir }],
    });
    await waitForState(alice.client, task.id, "idle", 30_000);
  });

  afterAll(async () => {
    await fs.rm(repoDir, { recursive: true, force: true });
  });

  it("is a valid OpenAPI 3.1 document", async () => {
    const result = await new Validator().validate(doc as unknown as Parameters<Validator["validate"]>[0]);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    conforms("GET", "/api/v2/buildinfo", await raw("GET", "/api/v2/buildinfo"));
  });

  it("users, sessions and keys", async () => {
    const owner = ownerClient().token!;
    await call("GET", "/api/v2/users/first", "/api/v2/users/first");
    await call("POST", "/api/v2/users/first", "/api/v2/users/first", { body: { email: "x@example.com", username: "x", password: "password-123" } }); // 409
    await call("POST", "/api/v2/users/first", "/api/v2/users/first", { body: { email: "nope" } }); // 400
    const login = await call("POST", "/api/v2/users/login", "/api/v2/users/login", { body: { email: `${alice.username}@example.com`, password: "password-123" } });
    await call("POST", "/api/v2/users/login", "/api/v2/users/login", { body: { email: `${alice.username}@example.com`, password: "wrong-password" } }); // 401
    await call("POST", "/api/v2/users/logout", "/api/v2/users/logout", { token: login.body.session_token });
    await call("POST", "/api/v2/users/logout", "/api/v2/users/logout"); // 401
    await call("GET", "/api/v2/users", "/api/v2/users", { token: owner });
    await call("GET", "/api/v2/users", "/api/v2/users", { token: alice.token }); // 403
    const name = `contract${randomBytes(3).toString("hex")}`;
    await call("POST", "/api/v2/users", "/api/v2/users", { token: owner, body: { email: `${name}@example.com`, username: name, password: "password-123" } });
    await call("POST", "/api/v2/users", "/api/v2/users", { token: owner, body: { email: "bad" } }); // 400
    await call("GET", "/api/v2/users/{user}", "/api/v2/users/me", { token: alice.token });
    await call("GET", "/api/v2/users/{user}", "/api/v2/users/no-such-user", { token: owner }); // 404
    await call("POST", "/api/v2/users/{user}/keys", "/api/v2/users/me/keys", { token: alice.token });
    const keys = await call("GET", "/api/v2/users/{user}/keys", "/api/v2/users/me/keys", { token: alice.token });
    const revocable = (keys.body as { id: string; current: boolean }[]).find((k) => !k.current)!;
    await call("GET", "/api/v2/users/{user}/keys", "/api/v2/users/no-such-user/keys", { token: alice.token }); // 404
    await call("GET", "/api/v2/users/{user}/keys/{id}", `/api/v2/users/me/keys/${revocable.id}`, { token: alice.token });
    await call("DELETE", "/api/v2/users/{user}/keys/{id}", `/api/v2/users/me/keys/${revocable.id}`, { token: alice.token });
    await call("GET", "/api/v2/users/{user}/keys/{id}", `/api/v2/users/me/keys/${revocable.id}`, { token: alice.token }); // 404
    await call("DELETE", "/api/v2/users/{user}/keys/{id}", `/api/v2/users/me/keys/${revocable.id}`, { token: alice.token }); // 404
    await call("POST", "/api/v2/users/{user}/keys", "/api/v2/users/me/keys", { token: alice.token, body: { token_name: `contract-${randomUUID().slice(0, 6)}`, lifetime_seconds: 7200 } });
    await call("POST", "/api/v2/users/{user}/keys", "/api/v2/users/me/keys", { token: alice.token, body: { lifetime_seconds: 5 } }); // 400
    await call("GET", "/api/v2/users", "/api/v2/users?role=member&status=active", { token: owner });
    await call("GET", "/api/v2/users", "/api/v2/users?status=gone", { token: owner }); // 400
    const invitee = `inv${randomUUID().slice(0, 8)}`;
    const invited = await call("POST", "/api/v2/users", "/api/v2/users", { token: owner, body: { email: `${invitee}@example.com`, username: invitee, invite: true } });
    const code = new URL(invited.body.invite_url).searchParams.get("code")!;
    await call("GET", "/api/v2/invites/{code}", `/api/v2/invites/${code}`);
    await call("POST", "/api/v2/invites/{code}/accept", `/api/v2/invites/${code}/accept`, { body: { password: "short" } }); // 400
    await call("POST", "/api/v2/invites/{code}/accept", `/api/v2/invites/${code}/accept`, { body: { password: "password-123" } });
    await call("GET", "/api/v2/invites/{code}", `/api/v2/invites/${code}`); // 404: used up
    await call("POST", "/api/v2/invites/{code}/accept", `/api/v2/invites/${code}/accept`, { body: { password: "password-123" } }); // 404
    const r = "/api/v2/users/{user}/roles";
    await call("PUT", r, `/api/v2/users/${invitee}/roles`, { token: owner, body: { roles: ["admin"] } });
    await call("PUT", r, `/api/v2/users/${invitee}/roles`, { token: owner, body: { roles: ["root"] } }); // 400
    await call("PUT", r, `/api/v2/users/${invitee}/roles`, { token: alice.token, body: { roles: ["member"] } }); // 403
    await call("PUT", r, "/api/v2/users/no-such-user/roles", { token: owner, body: { roles: ["member"] } }); // 404
    const suspend = "/api/v2/users/{user}/status/suspend";
    const activate = "/api/v2/users/{user}/status/activate";
    await call("PUT", suspend, `/api/v2/users/${invitee}/status/suspend`, { token: owner });
    await call("PUT", suspend, "/api/v2/users/me/status/suspend", { token: owner }); // 400
    await call("PUT", suspend, `/api/v2/users/${invitee}/status/suspend`, { token: alice.token }); // 403
    await call("PUT", suspend, "/api/v2/users/no-such-user/status/suspend", { token: owner }); // 404
    await call("PUT", activate, `/api/v2/users/${invitee}/status/activate`, { token: owner });
    await call("PUT", activate, "/api/v2/users/me/status/activate", { token: owner }); // 400
    await call("PUT", activate, `/api/v2/users/${invitee}/status/activate`, { token: alice.token }); // 403
    await call("PUT", activate, "/api/v2/users/no-such-user/status/activate", { token: owner }); // 404
  });

  it("webhooks", async () => {
    const w = "/api/v2/users/{user}/webhooks";
    // Not resolvable here (no DNS): accepted, and its deliveries only retry.
    const url = `https://hooks-${randomBytes(3).toString("hex")}.example.com/taskyard`;
    const created = await call("POST", w, "/api/v2/users/me/webhooks", { token: alice.token, body: { url, events: ["task.idle"] } });
    await call("POST", w, "/api/v2/users/me/webhooks", { token: alice.token, body: { url: "http://127.0.0.1/hook", events: ["task.idle"] } }); // 400
    await call("POST", w, "/api/v2/users/me/webhooks", { token: alice.token, body: { url, events: ["task.idle"], all_tasks: true } }); // 403
    await call("GET", w, "/api/v2/users/me/webhooks", { token: alice.token });
    await call("GET", w, "/api/v2/users/owner/webhooks", { token: alice.token }); // 404
    const one = "/api/v2/users/{user}/webhooks/{id}";
    const at = `/api/v2/users/me/webhooks/${created.body.id}`;
    await call("PATCH", one, at, { token: alice.token, body: { events: ["task.idle", "task.failed"] } });
    await call("PATCH", one, at, { token: alice.token, body: {} }); // 400
    await call("PATCH", one, `/api/v2/users/me/webhooks/${randomUUID()}`, { token: alice.token, body: { enabled: false } }); // 404
    await call("POST", `${one}/secret`, `${at}/secret`, { token: alice.token });
    await call("POST", `${one}/test`, `${at}/test`, { token: alice.token }); // 202
    await call("GET", `${one}/deliveries`, `${at}/deliveries`, { token: alice.token });
    await call("GET", `${one}/deliveries`, `/api/v2/users/me/webhooks/${randomUUID()}/deliveries`, { token: alice.token }); // 404
    await call("PATCH", one, at, { token: alice.token, body: { enabled: false } });
    await call("POST", `${one}/test`, `${at}/test`, { token: alice.token }); // 409: disabled
    await call("POST", `${one}/secret`, `/api/v2/users/me/webhooks/${randomUUID()}/secret`, { token: alice.token }); // 404
    await call("DELETE", one, at, { token: alice.token });
    await call("DELETE", one, at, { token: alice.token }); // 404
  });

  it("provisioner keys, provisioners and the provisioner API", async () => {
    const owner = ownerClient().token!;
    const keys = "/api/v2/provisioner-keys";
    const key = await call("POST", keys, keys, { token: owner, body: { name: `contract-${randomBytes(3).toString("hex")}` } });
    await call("POST", keys, keys, { token: owner, body: { name: "Not A Name!" } }); // 400
    await call("POST", keys, keys, { token: alice.token, body: { name: "nope" } }); // 403
    await call("GET", keys, keys, { token: owner });
    await call("GET", "/api/v2/provisioners", "/api/v2/provisioners", { token: owner });
    await call("GET", "/api/v2/provisioners", "/api/v2/provisioners", { token: alice.token }); // 403
    const daemon = { authorization: `Bearer ${key.body.key}` };
    const registered = await call("POST", "/api/v2/provisionerd/register", "/api/v2/provisionerd/register", { headers: daemon, body: { host: `contract-${randomBytes(3).toString("hex")}`, tags: { contract: "yes" } } });
    await call("POST", "/api/v2/provisionerd/register", "/api/v2/provisionerd/register", { headers: daemon, body: { host: "../no" } }); // 400
    await call("POST", "/api/v2/provisionerd/register", "/api/v2/provisionerd/register", { token: alice.token, body: {} }); // 401
    const step = "/api/v2/provisionerd/{method}";
    const as = { headers: { ...daemon, "taskyard-provisioner-id": registered.body.id } };
    // Steps that touch nothing of anyone's (a claim here could take the test server's own builds).
    await call("POST", step, "/api/v2/provisionerd/agentsOnHost", { ...as, body: {} });
    await call("POST", step, "/api/v2/provisionerd/renew", { ...as, body: { buildId: randomUUID(), leaseMs: 10_000 } }); // false
    await call("POST", step, "/api/v2/provisionerd/renew", { ...as, body: { buildId: "x" } }); // 400
    await call("POST", step, "/api/v2/provisionerd/nothing", { ...as, body: {} }); // 404
    await call("DELETE", `${keys}/{id}`, `${keys}/${key.body.id}`, { token: owner });
    await call("DELETE", `${keys}/{id}`, `${keys}/${key.body.id}`, { token: owner }); // 404
    await call("POST", step, "/api/v2/provisionerd/agentsOnHost", { ...as, body: {} }); // 401: revoked
  });

  it("git providers and credentials", async () => {
    const owner = ownerClient().token!;
    const token = `ghp_${randomBytes(12).toString("hex")}`;
    const github = await startGitHubStandIn({ [token]: { login: "contract", scopes: ["repo"] } });
    try {
      const host = `contract-${randomBytes(3).toString("hex")}.example.com`;
      const p = "/api/v2/git-providers";
      const provider = await call("POST", p, p, { token: owner, body: { kind: "github", host, api_url: github.url } });
      await call("POST", p, p, { token: owner, body: { kind: "github", host } }); // 409
      await call("POST", p, p, { token: owner, body: { kind: "svn", host } }); // 400
      await call("POST", p, p, { token: alice.token, body: { kind: "github", host: `x${host}` } }); // 403
      await call("GET", p, p, { token: alice.token });
      const c = "/api/v2/users/{user}/git-credentials";
      const credential = await call("POST", c, "/api/v2/users/me/git-credentials", { token: alice.token, body: { host, token } });
      await call("POST", c, "/api/v2/users/me/git-credentials", { token: alice.token, body: { host, token: "wrong" } }); // 400
      await call("POST", c, "/api/v2/users/owner/git-credentials", { token: alice.token, body: { host, token } }); // 404
      await call("POST", c, `/api/v2/users/${alice.username}/git-credentials`, { token: owner, body: { host, token } }); // 403
      await call("GET", c, "/api/v2/users/me/git-credentials", { token: alice.token });
      await call("GET", c, "/api/v2/users/owner/git-credentials", { token: alice.token }); // 404
      // An unreachable forge is a 502: the stand-in closes, the provider stays.
      await github.close();
      await call("POST", c, "/api/v2/users/me/git-credentials", { token: alice.token, body: { host, token } }); // 502
      const d = "/api/v2/users/{user}/git-credentials/{id}";
      await call("DELETE", d, `/api/v2/users/me/git-credentials/${credential.body.id}`, { token: alice.token });
      await call("DELETE", d, `/api/v2/users/me/git-credentials/${credential.body.id}`, { token: alice.token }); // 404
      const pd = "/api/v2/git-providers/{id}";
      const secret = `whsec-${randomBytes(8).toString("hex")}`;
      await call("PATCH", pd, `/api/v2/git-providers/${provider.body.id}`, { token: owner, body: { webhook_secret: secret, issue_label: "contract" } });
      await call("PATCH", pd, `/api/v2/git-providers/${provider.body.id}`, { token: owner, body: { issue_label: "" } }); // 400
      await call("PATCH", pd, `/api/v2/git-providers/${provider.body.id}`, { token: alice.token, body: { issue_label: "x" } }); // 403
      await call("PATCH", pd, `/api/v2/git-providers/${randomUUID()}`, { token: owner, body: { issue_label: "x" } }); // 404
      const e = "/api/v2/integrations/github/events";
      const ping = JSON.stringify({ zen: "Design for failure." });
      const signed = (body: string, key = secret) => ({ ...deliveryHeaders("ping", body, key) });
      await call("POST", e, e, { headers: signed(ping), rawBody: ping }); // 200 pong
      await call("POST", e, e, { headers: signed(ping, "wrong"), rawBody: ping }); // 401
      await call("POST", e, e, { headers: signed("{"), rawBody: "{" }); // 400
      const form = "payload=%7B%7D";
      await call("POST", e, e, { headers: { ...signed(form), "content-type": "application/x-www-form-urlencoded" }, rawBody: form }); // 415
      const huge = "x".repeat(1024 * 1024 + 1);
      await call("POST", e, e, { headers: signed(huge), rawBody: huge }); // 413
      await call("DELETE", pd, `/api/v2/git-providers/${provider.body.id}`, { token: alice.token }); // 403
      await call("DELETE", pd, `/api/v2/git-providers/${provider.body.id}`, { token: owner });
      await call("DELETE", pd, `/api/v2/git-providers/${provider.body.id}`, { token: owner }); // 404
    } finally {
      await github.close();
    }
  });

  it("a fresh server: no first user yet (404), then its creation (201)", async () => {
    const extra = await startExtraServer();
    try {
      const fresh = (method: string, body?: object) => fetch(`${extra.baseUrl}/api/v2/users/first`, { method, headers: { "content-type": "application/json" }, body: body && JSON.stringify(body) });
      for (const res of [await fresh("GET"), await fresh("POST", { email: "first@example.com", username: "first", password: "password-123" })]) {
        const text = await res.text();
        conforms(res.status === 404 ? "GET" : "POST", "/api/v2/users/first", { status: res.status, headers: res.headers, text, body: text ? JSON.parse(text) : undefined });
      }
    } finally {
      await extra.stop();
    }
  });

  it("organizations, templates, versions and presets", async () => {
    const t = alice.token;
    const [org] = (await call("GET", "/api/v2/organizations", "/api/v2/organizations", { token: t })).body;
    const templates = (await call("GET", "/api/v2/templates", "/api/v2/templates", { token: t })).body;
    const echo = templates.find((x: { name: string }) => x.name === "echo");
    await call("GET", "/api/v2/templates/{id}", `/api/v2/templates/${echo.id}`, { token: t });
    await call("GET", "/api/v2/templates/{id}", `/api/v2/templates/${task.id}`, { token: t }); // 404
    await call("GET", "/api/v2/organizations/{org}/templates", `/api/v2/organizations/${org.id}/templates`, { token: t });
    await call("GET", "/api/v2/organizations/{org}/templates", "/api/v2/organizations/no-such-org/templates", { token: t }); // 404
    await call("GET", "/api/v2/organizations/{org}/templates/{name}", `/api/v2/organizations/${org.name}/templates/echo`, { token: t });
    await call("GET", "/api/v2/organizations/{org}/templates/{name}", `/api/v2/organizations/${org.name}/templates/nope`, { token: t }); // 404
    await call("GET", "/api/v2/organizations/{org}/templates/{name}/versions/{version}", `/api/v2/organizations/${org.name}/templates/echo/versions/v1`, { token: t });
    await call("GET", "/api/v2/organizations/{org}/templates/{name}/versions/{version}", `/api/v2/organizations/${org.name}/templates/echo/versions/v9`, { token: t }); // 404
    await call("GET", "/api/v2/templateversions/{id}", `/api/v2/templateversions/${echo.active_version_id}`, { token: t });
    await call("GET", "/api/v2/templateversions/{id}", `/api/v2/templateversions/${task.id}`, { token: t }); // 404
    await call("GET", "/api/v2/templateversions/{id}/presets", `/api/v2/templateversions/${echo.active_version_id}/presets`, { token: t });

    // Templates as data: the owner's routes, and members refused.
    const o = inject("ownerToken");
    const name = `contract-${randomUUID().slice(0, 8)}`;
    const config = { agent: { kind: "echo" }, env: { STAGE: "one" }, secrets: { TOKEN: "contract-secret" } };
    const created = (await call("POST", "/api/v2/organizations/{org}/templates", "/api/v2/organizations/default/templates", { token: o, body: { name, display_name: "Contract", config } })).body;
    await call("POST", "/api/v2/organizations/{org}/templates", "/api/v2/organizations/default/templates", { token: o, body: { name, display_name: "Again", config } }); // 409
    await call("POST", "/api/v2/organizations/{org}/templates", "/api/v2/organizations/default/templates", { token: o, body: { name: "x", display_name: "X", config: { agent: { kind: "nope" } } } }); // 400
    await call("POST", "/api/v2/organizations/{org}/templates", "/api/v2/organizations/default/templates", { token: t, body: { name: "x", display_name: "X", config } }); // 403
    await call("POST", "/api/v2/organizations/{org}/templates", "/api/v2/organizations/no-such-org/templates", { token: o, body: { name: "x", display_name: "X", config } }); // 404
    const v2 = (await call("POST", "/api/v2/templates/{id}/versions", `/api/v2/templates/${created.id}/versions`, { token: o, body: { config: { agent: { kind: "echo" } }, activate: false } })).body;
    await call("POST", "/api/v2/templates/{id}/versions", `/api/v2/templates/${created.id}/versions`, { token: o, body: { config: { agent: { kind: "echo" }, env: { PATH: "/x" } } } }); // 400
    await call("POST", "/api/v2/templates/{id}/versions", `/api/v2/templates/${created.id}/versions`, { token: t, body: { config } }); // 403
    await call("POST", "/api/v2/templates/{id}/versions", `/api/v2/templates/${task.id}/versions`, { token: o, body: { config } }); // 404
    await call("GET", "/api/v2/templates/{id}/versions", `/api/v2/templates/${created.id}/versions`, { token: o });
    await call("GET", "/api/v2/templates/{id}/versions", `/api/v2/templates/${created.id}/versions`, { token: t }); // 403
    await call("GET", "/api/v2/templates/{id}/versions", `/api/v2/templates/${task.id}/versions`, { token: o }); // 404
    await call("PATCH", "/api/v2/templates/{id}/versions", `/api/v2/templates/${created.id}/versions`, { token: o, body: { id: v2.id } });
    await call("PATCH", "/api/v2/templates/{id}/versions", `/api/v2/templates/${created.id}/versions`, { token: o, body: { id: echo.active_version_id } }); // 400
    await call("PATCH", "/api/v2/templates/{id}/versions", `/api/v2/templates/${created.id}/versions`, { token: t, body: { id: v2.id } }); // 403
    await call("PATCH", "/api/v2/templates/{id}/versions", `/api/v2/templates/${task.id}/versions`, { token: o, body: { id: v2.id } }); // 404
    await call("PATCH", "/api/v2/templates/{id}", `/api/v2/templates/${created.id}`, { token: o, body: { archived: true } });
    await call("PATCH", "/api/v2/templates/{id}", `/api/v2/templates/${created.id}`, { token: o, body: {} }); // 400
    await call("PATCH", "/api/v2/templates/{id}", `/api/v2/templates/${created.id}`, { token: t, body: { archived: false } }); // 403
    await call("PATCH", "/api/v2/templates/{id}", `/api/v2/templates/${task.id}`, { token: o, body: { archived: false } }); // 404
    await call("PATCH", "/api/v2/templates/{id}", `/api/v2/templates/${created.id}`, { token: o, rawBody: "{}", headers: { "content-type": "text/plain" } }); // 415
  });

  it("tasks: list, create, read, logs, changes, send, agentapi, pause, prompt, repository, resume, delete", async () => {
    const t = alice.token;
    const at = `/api/v2/tasks/me/${task.id}`;
    await call("GET", "/api/v2/tasks", "/api/v2/tasks?q=owner:me", { token: t });
    await call("GET", "/api/v2/tasks", "/api/v2/tasks?q=status:sleeping", { token: t }); // 400
    await call("POST", "/api/v2/tasks/{user}", "/api/v2/tasks/me", { token: t, body: { input: "" } }); // 400
    const created = await call("POST", "/api/v2/tasks/{user}", "/api/v2/tasks/me", { token: t, body: { input: "Another", template_version_id: await echoTemplateVersion() } });
    await call("GET", "/api/v2/tasks/{user}/{task}", at, { token: t });
    await call("GET", "/api/v2/tasks/{user}/{task}", "/api/v2/tasks/me/no-such-task", { token: t }); // 404
    await call("GET", "/api/v2/tasks/{user}/{task}/logs", `${at}/logs`, { token: t });
    await call("GET", "/api/v2/tasks/{user}/{task}/logs/{id}/tool-calls", `${at}/logs/1/tool-calls`, { token: t });
    await call("GET", "/api/v2/tasks/{user}/{task}/logs/{id}/tool-calls", `${at}/logs/first/tool-calls`, { token: t }); // 400
    await callStream("/api/v2/tasks/{user}/{task}/logs/stream", `${at}/logs/stream`, t);
    await callStream("/api/v2/task-events", "/api/v2/task-events", t);
    await call("GET", "/api/v2/tasks/{user}/{task}/changes", `${at}/changes`, { token: t });
    await call("GET", "/api/v2/tasks/{user}/{task}/changes", `/api/v2/tasks/me/${created.body.id}/changes`, { token: t }); // 409: no repository
    await call("GET", "/api/v2/tasks/{user}/{task}/setup-log", `${at}/setup-log`, { token: t }); // none ran
    await call("GET", "/api/v2/tasks/{user}/{task}/setup-log", "/api/v2/tasks/me/no-such-task/setup-log", { token: t }); // 404
    const setUp = await alice.client.createTask({ input: "Set up", template_version_id: await insertTemplateVersion(db(), { brain: "echo", setup_script: "echo contract" }, "contract") });
    await waitFor("the setup script to finish", async () => (await alice.client.setupLog("me", setUp.id)).setup_log?.finished_at, 30_000);
    await call("GET", "/api/v2/tasks/{user}/{task}/setup-log", `/api/v2/tasks/me/${setUp.id}/setup-log`, { token: t });
    await call("GET", "/api/v2/tasks/{user}/{task}/agentapi/status", `${at}/agentapi/status`, { token: t });
    await call("GET", "/api/v2/tasks/{user}/{task}/agentapi/messages", `${at}/agentapi/messages`, { token: t });
    await callStream("/api/v2/tasks/{user}/{task}/agentapi/events", `${at}/agentapi/events`, t);
    const form = new FormData();
    form.append("file", new Blob(["notes"]), "notes.txt");
    await call("POST", "/api/v2/tasks/{user}/{task}/agentapi/upload", `${at}/agentapi/upload`, { token: t, rawBody: form });
    await call("POST", "/api/v2/tasks/{user}/{task}/agentapi/message", `${at}/agentapi/message`, { token: t, body: { content: "Via AgentAPI", type: "user" } });
    await waitForState(alice.client, task.id, "idle", 30_000);
    await call("POST", "/api/v2/tasks/{user}/{task}/agentapi/message", `${at}/agentapi/message`, { token: t, body: { content: "\r", type: "raw" } });
    await call("POST", "/api/v2/tasks/{user}/{task}/agentapi/message", `${at}/agentapi/message`, { token: t, body: { content: "", type: "user" } }); // 400, problem JSON
    await call("POST", "/api/v2/tasks/{user}/{task}/interrupt", `${at}/interrupt`, { token: t }); // idle: nothing to stop
    await call("POST", "/api/v2/tasks/{user}/{task}/interrupt", "/api/v2/tasks/me/no-such-task/interrupt", { token: t }); // 404
    await call("POST", "/api/v2/tasks/{user}/{task}/send", `${at}/send`, { token: t, body: { input: "Via send" } });
    await call("POST", "/api/v2/tasks/{user}/{task}/send", `${at}/send`, { token: t, body: { input: " " } }); // 400
    await call("PATCH", "/api/v2/tasks/{user}/{task}/prompt", `${at}/prompt`, { token: t, body: { prompt: "Active" } }); // 409
    await call("POST", "/api/v2/tasks/{user}/{task}/resume", `${at}/resume`, { token: t }); // 409: not paused
    await call("PATCH", "/api/v2/tasks/{user}/{task}/repository", `${at}/repository`, { token: t, body: { repo_url: "https://example.com/acme/app.git" } }); // 409: started
    await call("PATCH", "/api/v2/tasks/{user}/{task}/repository", `${at}/repository`, { token: t, body: {} }); // 400
    await waitForState(alice.client, task.id, "idle", 30_000);
    // The queue: taken at once by an idle agent, so too late to remove.
    const delivered = await call("POST", "/api/v2/tasks/{user}/{task}/inputs", `${at}/inputs`, { token: t, body: { input: "Via the queue" } });
    await call("DELETE", "/api/v2/tasks/{user}/{task}/inputs/{id}", `${at}/inputs/${delivered.body.id}`, { token: t }); // 409
    await waitForState(alice.client, task.id, "idle", 30_000);
    // A local repository: Taskyard pushes over HTTP(S) only (409), and a pull request pushes first.
    await call("POST", "/api/v2/tasks/{user}/{task}/push", `${at}/push`, { token: t });
    await call("POST", "/api/v2/tasks/{user}/{task}/pull-request", `${at}/pull-request`, { token: t, body: {} });
    await call("POST", "/api/v2/tasks/{user}/{task}/pull-request", `${at}/pull-request`, { token: t, body: { draft: "yes" } }); // 400
    await call("GET", "/api/v2/usage", "/api/v2/usage?group_by=model", { token: t });
    await call("GET", "/api/v2/usage", "/api/v2/usage?group_by=week", { token: t }); // 400
    // The model gateway: a key that is no agent's.
    await call("POST", "/api/v2/aigateway/anthropic/v1/messages", "/api/v2/aigateway/anthropic/v1/messages", { headers: { "x-api-key": "tyk-nobody" }, body: { model: "claude-haiku-4-5", max_tokens: 1, messages: [] } });
    await call("POST", "/api/v2/tasks/{user}/{task}/pause", `${at}/pause`, { token: t, body: { force: "yes" } }); // 400
    await call("POST", "/api/v2/tasks/{user}/{task}/pause", `${at}/pause`, { token: t });
    await waitForStatus(alice.client, task.id, "paused", 30_000);
    await call("GET", "/api/v2/tasks/{user}/{task}/logs", `${at}/logs`, { token: t }); // the snapshot
    await call("GET", "/api/v2/tasks/{user}/{task}/changes", `${at}/changes`, { token: t }); // the snapshot
    const queued = await call("POST", "/api/v2/tasks/{user}/{task}/inputs", `${at}/inputs`, { token: t, body: { input: "While paused" } });
    await call("POST", "/api/v2/tasks/{user}/{task}/inputs", `${at}/inputs`, { token: t, body: { input: "" } }); // 400
    await call("GET", "/api/v2/tasks/{user}/{task}/inputs", `${at}/inputs`, { token: t });
    await call("DELETE", "/api/v2/tasks/{user}/{task}/inputs/{id}", `${at}/inputs/${queued.body.id}`, { token: t });
    await call("DELETE", "/api/v2/tasks/{user}/{task}/inputs/{id}", `${at}/inputs/${queued.body.id}`, { token: t }); // 404
    await call("PATCH", "/api/v2/tasks/{user}/{task}/prompt", `${at}/prompt`, { token: t, body: { prompt: "Paused prompt" } });
    await call("PATCH", "/api/v2/tasks/{user}/{task}/input", `${at}/input`, { token: t, body: { input: "Paused input" } });
    await call("PATCH", "/api/v2/tasks/{user}/{task}/input", `${at}/input`, { token: t, body: {} }); // 400
    await call("POST", "/api/v2/tasks/{user}/{task}/resume", `${at}/resume`, { token: t });
    await waitForStatus(alice.client, task.id, "active", 30_000);
    const [build] = await db()`SELECT id FROM workspace_builds WHERE workspace_id = ${task.workspace_id!} ORDER BY build_number LIMIT 1`;
    await call("GET", "/api/experimental/aitasks/prompts", `/api/experimental/aitasks/prompts?build_ids=${build.id}`, { token: t });
    await call("GET", "/api/experimental/aitasks/prompts", "/api/experimental/aitasks/prompts?build_ids=nope", { token: t }); // 400
    await call("DELETE", "/api/v2/tasks/{user}/{task}", `/api/v2/tasks/me/${created.body.id}`, { token: t });
  });

  it("agent routes, with an agent's token", async () => {
    // A task of its own whose latest build gets an agent row with a token we know (a real agent keeps its token to itself).
    const other = await alice.client.createTask({ input: "Agent routes", template_version_id: await echoTemplateVersion(), name: "contract-agent" });
    await waitForStatus(alice.client, other.id, "active", 30_000);
    const token = randomBytes(32).toString("hex");
    const [build] = await db()`SELECT id FROM workspace_builds WHERE workspace_id = ${other.workspace_id!} ORDER BY build_number DESC LIMIT 1`;
    const [agent] = await db()`
      INSERT INTO workspace_agents (workspace_id, build_id, auth_token_hash, lifecycle_state, created_at)
      VALUES (${other.workspace_id!}, ${build.id}, ${createHash("sha256").update(token).digest("hex")}, 'starting', now() + interval '1 hour') RETURNING id`;
    await db()`INSERT INTO workspace_apps (agent_id, slug, display_name, health) VALUES (${agent.id}, 'agent', 'Agent', 'initializing')`;
    const me = "/api/v2/workspaceagents/me";
    const agentCall = (method: string, p: string, body?: unknown) => call(method, `${me}/${p}`, `${me}/${p.replace("{task}", other.id)}`, { token, body });

    await agentCall("GET", "manifest");
    await call("GET", `${me}/manifest`, `${me}/manifest`, { token: "0".repeat(64) }); // 401
    await agentCall("POST", "lifecycle", { state: "ready" });
    await agentCall("POST", "lifecycle", { state: "dancing" }); // 400
    await agentCall("PATCH", "app-health", { app_slug: "agent", health: "healthy" });
    await agentCall("PATCH", "app-status", { app_slug: "agent", state: "idle", message: "Ready" });
    await agentCall("POST", "connection", { api_url: "http://example.com:80" }); // 400: not loopback
    await agentCall("POST", "usage", { turn_id: "t1", input_tokens: 1, output_tokens: 2, cache_read_input_tokens: 0, cache_creation_input_tokens: 0, cost_usd: 0.01 });
    await agentCall("POST", "tasks/{task}/log-snapshot", { messages: [{ id: 0, content: "hi", role: "user", time: new Date().toISOString() }] });
    await agentCall("POST", "tasks/{task}/changes-snapshot", { head_commit: "abcdef0", files: [], diff: "", truncated: false });
    await agentCall("POST", "tasks/{task}/changes-snapshot", { head_commit: "not a commit" }); // 400
    await agentCall("POST", "tasks/{task}/tool-calls", {
      message_id: 1,
      tool_calls: [{ id: "toolu_1", name: "Bash", input: "{}", input_truncated: false, output: "ok", output_bytes: 2, output_truncated: false, is_error: false }],
    });
    await agentCall("POST", "tasks/{task}/tool-calls", { message_id: -1, tool_calls: [] }); // 400
    const snapshot = { turn: 1, brain: "echo", session_id: null, agent_state: Buffer.from("{}").toString("base64"), brain_files: null, branch: null, base_commit: null, head_commit: null, bundle: null, diff: null, dropped: null };
    await agentCall("POST", "tasks/{task}/work-snapshot", snapshot);
    await agentCall("POST", "tasks/{task}/work-snapshot", { ...snapshot, bundle: "not base64!" }); // 400
    await alice.client.deleteTask("me", other.id);
  });

  it("no route was left out", () => {
    const documented = Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m} ${p}`));
    expect(documented.filter((op) => !checked.has(op))).toEqual([]);
  });
});
