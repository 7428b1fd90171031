import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createDb } from "../../lib/db/client";
import { reencryptSecrets } from "../../lib/git-credentials/rotate";
import { named, open, type SecretKeys } from "../../lib/git-credentials/secret-box";
import { parseSecretKey } from "../../lib/git-credentials/secret-key-format";
import { createTestUser, raw, type TestUser } from "../support/api";
import { testSql } from "../support/db";

const sql = testSql();
const handle = createDb(inject("databaseUrl"), { max: 1 });
const TOKEN = `tok-${randomBytes(12).toString("hex")}`;
const host = `rot-${randomBytes(3).toString("hex")}.example.com`;
let user: TestUser;
let providerId: string;
let webhook: { id: string; secret: string };
let templateVersion: string;

beforeAll(async () => {
  user = await createTestUser();
  providerId = (await raw("POST", "/api/v2/git-providers", { token: inject("ownerToken"), body: { kind: "generic", host } })).body.id;
  expect((await raw("POST", "/api/v2/users/me/git-credentials", { token: user.token, body: { host, token: TOKEN } })).status).toBe(201);
  const template = await raw("POST", "/api/v2/organizations/default/templates", {
    token: inject("ownerToken"),
    body: { name: `rot-${randomBytes(3).toString("hex")}`, display_name: "Rotation", config: { agent: { kind: "echo" }, secrets: { ROTATED: TOKEN } } },
  });
  templateVersion = template.body.active_version_id;
  webhook = (await raw("POST", "/api/v2/users/me/webhooks", { token: user.token, body: { url: "https://hooks.rotation.example.invalid/x", events: ["task.idle"] } })).body;
});
afterAll(async () => {
  await raw("DELETE", `/api/v2/git-providers/${providerId}`, { token: inject("ownerToken") });
  await handle.sql.end();
});

const sealedWebhookSecret = async () => (await sql`SELECT secret_encrypted FROM webhook_endpoints WHERE id = ${webhook.id}`)[0].secret_encrypted as string;
const sealedTemplateSecret = async () => (await sql`SELECT secrets_encrypted->>'ROTATED' AS v FROM template_versions WHERE id = ${templateVersion}`)[0].v as string;
const sealedToken = async () => (await sql`SELECT token_encrypted FROM git_credentials WHERE user_id = ${user.id}`)[0].token_encrypted as string;

describe("rotating the secret key", () => {
  it("re-encrypts every stored token under the new key (and back): each opens with the key it names, and with no other", async () => {
    // The server's own key, made in its data dir at its first use.
    const server = named(parseSecretKey(fs.readFileSync(path.join(inject("dataDir"), "secret-key"), "utf8")));
    const fresh = named(randomBytes(32));
    const before = await sealedToken();
    expect(before.split(":")[1]).toBe(server.id);
    const forward: SecretKeys = { current: fresh, previous: server };
    const back: SecretKeys = { current: server, previous: fresh };
    try {
      const { reencrypted } = await reencryptSecrets(handle.db, forward);
      expect(reencrypted).toBeGreaterThanOrEqual(1);
      const after = await sealedToken();
      expect(after.split(":")[1]).toBe(fresh.id);
      expect(open(after, `git-credential:${user.id}`, forward)).toBe(TOKEN);
      expect(() => open(after, `git-credential:${user.id}`, { current: server })).toThrow(/key this server does not have/);
      // Webhook signing secrets too.
      const secret = await sealedWebhookSecret();
      expect(secret.split(":")[1]).toBe(fresh.id);
      expect(open(secret, `webhook-endpoint:${webhook.id}`, forward)).toBe(webhook.secret);
      // Template secrets too, each still bound to its version and name.
      const templateSecret = await sealedTemplateSecret();
      expect(templateSecret.split(":")[1]).toBe(fresh.id);
      expect(open(templateSecret, `template-secret:${templateVersion}:ROTATED`, forward)).toBe(TOKEN);
      // A second pass has nothing to do.
      expect((await reencryptSecrets(handle.db, forward)).reencrypted).toBe(0);
    } finally {
      await reencryptSecrets(handle.db, back);
    }
    expect(open(await sealedToken(), `git-credential:${user.id}`, { current: server })).toBe(TOKEN);
    expect(open(await sealedWebhookSecret(), `webhook-endpoint:${webhook.id}`, { current: server })).toBe(webhook.secret);
    expect(open(await sealedTemplateSecret(), `template-secret:${templateVersion}:ROTATED`, { current: server })).toBe(TOKEN);
  });
});
