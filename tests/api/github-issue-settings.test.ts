import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { baseUrl, createTestUser, ownerClient, raw, type TestUser } from "../support/api";
import { newConfigDir, runCli } from "../support/cli";
import { testSql } from "../support/db";
import { deliveryHeaders } from "../support/github-webhooks";

const sql = testSql();
const ownerToken = () => inject("ownerToken");
const SECRET = `whsec-${randomBytes(12).toString("hex")}`;
const host = `issues-${randomUUID().slice(0, 6)}.example.com`;
let providerId: string;
let alice: TestUser;
let admin: TestUser;

beforeAll(async () => {
  [alice, admin] = await Promise.all([createTestUser(), createTestUser("admin")]);
  const res = await raw("POST", "/api/v2/git-providers", { token: ownerToken(), body: { kind: "github", host, api_url: "http://127.0.0.1:9", webhook_secret: SECRET } });
  expect(res.status).toBe(201);
  providerId = res.body.id;
});
afterAll(async () => {
  await raw("DELETE", `/api/v2/git-providers/${providerId}`, { token: ownerToken() });
});

const patch = (body: unknown, token = ownerToken(), id = providerId) => raw("PATCH", `/api/v2/git-providers/${id}`, { token, body });
const events = (headers: Record<string, string>, body: string) => raw("POST", "/api/v2/integrations/github/events", { headers, rawBody: body });

describe("PATCH /api/v2/git-providers/{id}: the inbound webhook's settings", () => {
  it("sets the label and template, rotates or clears the secret (sealed, never answered)", async () => {
    const claude = (await ownerClient().templates()).find((t) => t.name === "claude")!;
    const set = await patch({ issue_label: "  ai-task ", issue_template_id: claude.id });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ id: providerId, host, webhook_secret_set: true, issue_label: "ai-task", issue_template_id: claude.id });
    const before = (await sql`SELECT webhook_secret_encrypted FROM git_providers WHERE id = ${providerId}`)[0].webhook_secret_encrypted;
    const newSecret = `whsec-${randomBytes(12).toString("hex")}`;
    const rotated = await patch({ webhook_secret: newSecret });
    expect(rotated.status).toBe(200);
    expect(rotated.text).not.toContain(newSecret);
    const after = (await sql`SELECT webhook_secret_encrypted FROM git_providers WHERE id = ${providerId}`)[0].webhook_secret_encrypted;
    expect(after).toMatch(/^v1:/);
    expect(after).not.toBe(before);
    expect(after).not.toContain(newSecret);
    // Only what is given changes; null puts the template back to the default and turns deliveries off.
    expect((await patch({ issue_template_id: null })).body).toMatchObject({ issue_label: "ai-task", issue_template_id: null, webhook_secret_set: true });
    expect((await patch({ webhook_secret: null })).body).toMatchObject({ webhook_secret_set: false });
    expect((await patch({ webhook_secret: SECRET, issue_label: "taskyard" })).body).toMatchObject({ webhook_secret_set: true, issue_label: "taskyard" });
  });

  it("refuses bad settings with 400 naming the field, changing nothing", async () => {
    const before = await sql`SELECT issue_label, issue_template_id, webhook_secret_encrypted FROM git_providers WHERE id = ${providerId}`;
    for (const [body, field] of [
      [{ issue_label: "" }, "issue_label"],
      [{ issue_label: "x".repeat(51) }, "issue_label"],
      [{ issue_label: "a\u0007b" }, "issue_label"],
      [{ issue_template_id: randomUUID() }, "issue_template_id"],
      [{ issue_template_id: "claude" }, "issue_template_id"],
      [{ webhook_secret: "short" }, "webhook_secret"],
      [{ webhook_secret: 42 }, "webhook_secret"],
      [{ kind: "gitlab" }, "body"],
    ] as const) {
      const res = await patch(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.validations.map((v: { field: string }) => v.field)).toContain(field);
    }
    expect(await sql`SELECT issue_label, issue_template_id, webhook_secret_encrypted FROM git_providers WHERE id = ${providerId}`).toEqual(before);
  });

  it("is the owner's: 403 for members and admins, 404 for an unknown provider", async () => {
    for (const user of [alice, admin]) expect((await patch({ issue_label: "mine" }, user.token)).status).toBe(403);
    expect((await patch({ issue_label: "x" }, ownerToken(), randomUUID())).status).toBe(404);
    expect((await patch({ issue_label: "x" }, ownerToken(), "not-a-uuid")).status).toBe(404);
    expect((await raw("PATCH", `/api/v2/git-providers/${providerId}`, { body: { issue_label: "x" } })).status).toBe(401);
  });
});

describe("taskyard providers set", () => {
  it("sets the secret from stdin (never argv), the label and the template by name; clears the secret; a member is refused", async () => {
    const config = await newConfigDir();
    const owner = { config, env: { TASKYARD_URL: baseUrl(), TASKYARD_SESSION_TOKEN: ownerToken() } };
    const secret = `whsec-${randomBytes(12).toString("hex")}`;
    const set = await runCli(["providers", "set", host, "--webhook-secret", "--issue-label", "ai", "--issue-template", "echo", "-o", "json"], { ...owner, input: `${secret}\n` });
    expect(set.code, set.stderr).toBe(0);
    const echo = (await ownerClient().templates()).find((t) => t.name === "echo")!;
    expect(JSON.parse(set.stdout)).toMatchObject({ host, webhook_secret_set: true, issue_label: "ai", issue_template_id: echo.id });
    expect(set.stdout + set.stderr).not.toContain(secret);
    // The secret stored is the one typed: a delivery signed with it is taken.
    const ping = JSON.stringify({ zen: "Approachable is better than simple." });
    expect((await events(deliveryHeaders("ping", ping, secret), ping)).status).toBe(200);
    const off = await runCli(["providers", "set", host, "--no-webhook-secret", "--issue-template", "default"], owner);
    expect(off.code, off.stderr).toBe(0);
    expect(off.stdout).toContain("no webhook secret");
    expect((await raw("GET", "/api/v2/git-providers", { token: ownerToken() })).body.find((p: { id: string }) => p.id === providerId)).toMatchObject({ webhook_secret_set: false, issue_template_id: null });
    expect((await events(deliveryHeaders("ping", ping, secret), ping)).status).toBe(401);
    const refused = await runCli(["providers", "set", host, "--issue-label", "mine"], { config, env: { TASKYARD_URL: baseUrl(), TASKYARD_SESSION_TOKEN: alice.token } });
    expect(refused.code).toBe(1);
    await patch({ webhook_secret: SECRET, issue_label: "taskyard" });
  });
});

describe("POST /api/v2/integrations/github/events: bad deliveries are 4xx and do nothing", () => {
  const payload = JSON.stringify({ action: "labeled" });
  const links = async () => (await sql`SELECT count(*)::int AS n FROM github_issue_tasks`)[0].n as number;

  it("401 without a valid signature, before reading anything else", async () => {
    const before = await links();
    const unsigned = deliveryHeaders("issues", payload, SECRET);
    delete unsigned["x-hub-signature-256"];
    for (const headers of [unsigned, deliveryHeaders("issues", payload, "wrong-secret"), { ...deliveryHeaders("issues", payload, SECRET), "x-hub-signature-256": "sha1=abc" }]) {
      const res = await events(headers, payload);
      expect(res.status).toBe(401);
      expect(res.body.message).toMatch(/signed/);
    }
    expect(await links()).toBe(before);
  });

  it("a signed delivery that is malformed is 400/415, never 5xx", async () => {
    const signed = (body: string, event = "issues") => deliveryHeaders(event, body, SECRET);
    expect((await events({ ...signed("{not json"), "content-type": "application/json" }, "{not json")).status).toBe(400);
    const form = "payload=%7B%7D";
    expect((await events({ ...signed(form), "content-type": "application/x-www-form-urlencoded" }, form)).status).toBe(415);
    const noDelivery = signed(payload);
    delete noDelivery["x-github-delivery"];
    expect((await events(noDelivery, payload)).status).toBe(400);
    for (const body of [payload, JSON.stringify({ action: "labeled", issue: { number: "1" } }), "[]", "null"]) {
      const res = await events(signed(body), body);
      expect(res.status, body).toBe(400);
      expect(res.body.message).toMatch(/not shaped as GitHub sends it/);
    }
    const comment = JSON.stringify({ action: "created", comment: {} });
    expect((await events(signed(comment, "issue_comment"), comment)).status).toBe(400);
    // Events Taskyard does not act on are answered 200 and ignored, whatever their body.
    const push = await events(signed("{}", "push"), "{}");
    expect(push).toMatchObject({ status: 200, body: { outcome: "ignored", reason: 'event "push" is not one Taskyard acts on' } });
  });
});
