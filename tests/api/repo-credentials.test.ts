import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { createTestUser, echoTemplateVersion, raw, type TestUser } from "../support/api";
import { TaskFixture, testSql } from "../support/db";

const sql = testSql();
let alice: TestUser;

beforeAll(async () => {
  alice = await createTestUser();
});

const SECRET = "s3cret-token-do-not-store";
const create = async (repoUrl: string) =>
  raw("POST", "/api/v2/tasks/me", {
    token: alice.token,
    body: { input: "Work on it", template_version_id: await echoTemplateVersion(), rich_parameter_values: [{ name: "repo_url", value: repoUrl }] },
  });
const taskCount = async () => (await sql`SELECT count(*)::int AS n FROM tasks WHERE owner_id = ${alice.id}`)[0].n as number;

/** The migration exactly as drizzle's migrator runs it: its statements, in order, in one transaction. */
async function runScrubMigration() {
  const file = path.resolve(import.meta.dirname, "../../drizzle/0009_scrub_repo_credentials.sql");
  const statements = (await fs.readFile(file, "utf8")).split("--> statement-breakpoint").map((s) => s.trim()).filter(Boolean);
  await sql.begin(async (tx) => {
    for (const statement of statements) await tx.unsafe(statement);
  });
}

describe("credentials in repo_url", () => {
  it("are refused at create with a 400 naming repo_url and pointing to git credentials; nothing is created", async () => {
    const before = await taskCount();
    for (const url of [
      `https://user:${SECRET}@github.com/acme/app.git`,
      `https://${SECRET}@github.com/acme/app.git`,
      `ssh://git:${SECRET}@example.com/acme/app.git`,
      `git://u:${SECRET}@example.com/acme/app.git`,
    ]) {
      const res = await create(url);
      expect(res.status, url).toBe(400);
      expect(res.body.message).toMatch(/store a git credential for the host instead; credentials are never accepted in repository URLs/);
      expect(res.body.validations).toEqual([{ field: "rich_parameter_values.0.repo_url", detail: expect.stringMatching(/must not carry credentials/) }]);
      expect(res.text).not.toContain(SECRET);
    }
    expect(await taskCount()).toBe(before);
  });

  it("an account name alone is no credential: ssh://git@… and scp-like git@host:… are taken", async () => {
    for (const url of ["ssh://git@example.com/acme/app.git", "git@example.com:acme/app.git", "https://github.com/acme/app.git"]) {
      const res = await create(url);
      expect(res.status, url).toBe(201);
      expect(res.body.rich_parameter_values).toEqual([{ name: "repo_url", value: url }]);
    }
  });

  it("stored by an older version are scrubbed by the migration from tasks, presets, checkouts and build errors: no Task JSON or manifest carries them", async () => {
    // The old shape, as the previous version stored it.
    const https = (await create("https://github.com/acme/app.git")).body;
    const ssh = (await create("ssh://git@example.com/acme/app.git")).body;
    await sql`UPDATE tasks SET parameters = ${sql.json([{ name: "repo_url", value: `https://x-access-token:${SECRET}@github.com/acme/app.git` }, { name: "base_ref", value: "main" }])} WHERE id = ${https.id}`;
    await sql`UPDATE tasks SET parameters = ${sql.json([{ name: "repo_url", value: `ssh://git:${SECRET}@example.com/acme/app.git` }])} WHERE id = ${ssh.id}`;
    // The old withoutCredentials cut at the first @: a password holding one left its tail behind.
    await sql`UPDATE workspaces SET repo = ${sql.json({ url: `https://ss@${SECRET}@github.com/acme/app.git`, base_ref: "main", base_commit: "abc", branch: "taskyard/x" })} WHERE id = ${https.workspace_id}`;
    const fixture = await TaskFixture.of(sql, https.id);
    await fixture.setLatestJob("failed", `Cloning https://github.com/acme/app.git failed: fatal: unable to access 'https://x-access-token:${SECRET}@github.com/acme/app.git/': 403`);
    const [preset] = await sql`
      INSERT INTO template_version_presets (template_version_id, name, parameters)
      VALUES (${await echoTemplateVersion()}, ${"old-" + randomBytes(4).toString("hex")}, ${sql.json([{ name: "repo_url", value: `https://u:${SECRET}@example.com/r.git` }])}) RETURNING id`;

    try {
      await runScrubMigration();

      const [task] = await sql`SELECT parameters FROM tasks WHERE id = ${https.id}`;
      expect(task.parameters).toEqual([{ name: "repo_url", value: "https://github.com/acme/app.git" }, { name: "base_ref", value: "main" }]);
      expect((await sql`SELECT parameters FROM tasks WHERE id = ${ssh.id}`)[0].parameters).toEqual([{ name: "repo_url", value: "ssh://git@example.com/acme/app.git" }]);
      expect((await sql`SELECT repo->>'url' AS url FROM workspaces WHERE id = ${https.workspace_id}`)[0].url).toBe("https://github.com/acme/app.git");
      expect((await fixture.latestBuild()).job_status).toBe("failed");
      const [build] = await sql`SELECT job_error FROM workspace_builds WHERE workspace_id = ${https.workspace_id}`;
      expect(build.job_error).toBe("Cloning https://github.com/acme/app.git failed: fatal: unable to access 'https://github.com/acme/app.git/': 403");
      expect((await sql`SELECT parameters FROM template_version_presets WHERE id = ${preset.id}`)[0].parameters).toEqual([{ name: "repo_url", value: "https://example.com/r.git" }]);
      expect((await sql`SELECT count(*)::int AS n FROM pg_proc WHERE proname LIKE 'taskyard_scrub%'`)[0].n).toBe(0);

      // What the API and an agent are handed.
      const json = await raw("GET", `/api/v2/tasks/me/${https.id}`, { token: alice.token });
      expect(json.status).toBe(200);
      expect(json.text).not.toContain(SECRET);
      expect(json.body.rich_parameter_values).toEqual([{ name: "repo_url", value: "https://github.com/acme/app.git" }, { name: "base_ref", value: "main" }]);
      const list = await raw("GET", "/api/v2/tasks?q=owner:me", { token: alice.token });
      expect(list.text).not.toContain(SECRET);

      const build2 = await fixture.addBuild("start", "succeeded");
      const token = randomBytes(32).toString("hex");
      await sql`
        INSERT INTO workspace_agents (workspace_id, build_id, auth_token_hash, lifecycle_state, api_secret)
        VALUES (${fixture.workspaceId}, ${build2.id}, ${createHash("sha256").update(token).digest("hex")}, 'ready', 'secret')`;
      const manifest = await raw("GET", "/api/v2/workspaceagents/me/manifest", { headers: { "Coder-Session-Token": token } });
      expect(manifest.status).toBe(200);
      expect(manifest.body.parameters.repo_url).toBe("https://github.com/acme/app.git");
      expect(manifest.text).not.toContain(SECRET);

      // Running it again changes nothing.
      await runScrubMigration();
      expect((await sql`SELECT parameters FROM tasks WHERE id = ${https.id}`)[0].parameters).toEqual(task.parameters);
    } finally {
      await sql`DELETE FROM template_version_presets WHERE id = ${preset.id}`;
    }
  });
});
