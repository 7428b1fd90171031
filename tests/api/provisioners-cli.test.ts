import { describe, expect, inject, it } from "vitest";
import { baseUrl, createTestUser, ownerClient, uniqueName } from "../support/api";
import { testSql } from "../support/db";
import { newConfigDir, runCli } from "../support/cli";

const sql = testSql();

/** `taskyard provisioners …` against the shared test server. */
describe("taskyard provisioners", () => {
  it("keys: create prints the key once with its pinned tags, list shows no key, delete by name revokes it", async () => {
    const me = { config: await newConfigDir(), env: { TASKYARD_URL: baseUrl(), TASKYARD_SESSION_TOKEN: inject("ownerToken") } };
    const name = uniqueName("cli-");
    const created = await runCli(["provisioners", "keys", "create", name, "--tag", "region=eu", "-t", "gpu=true"], me);
    expect(created.code, created.stderr).toBe(0);
    const key = created.stdout.match(/typk_[0-9a-f]{32}_[0-9a-f]{64}/)?.[0];
    expect(key).toBeTruthy();
    expect(created.stdout).toContain("gpu=true,region=eu");
    expect(created.stdout).toMatch(/Shown only now/);
    const stored = (await ownerClient().provisionerKeys()).find((k) => k.name === name);
    expect(stored?.tags).toEqual({ region: "eu", gpu: "true" });

    const table = await runCli(["provisioners", "keys", "list"], me);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/ID\s+NAME\s+TAGS\s+LAST USED\s+CREATED/);
    expect(table.stdout).toContain(name);
    expect(table.stdout).not.toContain(key!.slice(-64));

    const bad = await runCli(["provisioners", "keys", "create", uniqueName("bad-"), "--tag", "region"], me);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('"region" is not k=v');
    const badName = await runCli(["provisioners", "keys", "create", "Bad Name"], me);
    expect(badName.code).toBe(1);
    expect(badName.stderr).toMatch(/name/);

    const deleted = await runCli(["provisioners", "keys", "delete", name], me);
    expect(deleted.code, deleted.stderr).toBe(0);
    expect((await ownerClient().provisionerKeys()).some((k) => k.name === name)).toBe(false);
    const again = await runCli(["provisioners", "keys", "delete", name], me);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`no provisioner key "${name}"`);
  });

  it("list shows each provisioner's host, tags, key, workspaces and state; members are refused", async () => {
    const host = uniqueName("cli-host-");
    const [row] = await sql`INSERT INTO provisioners (host, tags, version) VALUES (${host}, ${sql.json({ region: "eu" })}, 'v9.9.9') RETURNING id`;
    try {
      const me = { config: await newConfigDir(), env: { TASKYARD_URL: baseUrl(), TASKYARD_SESSION_TOKEN: inject("ownerToken") } };
      const table = await runCli(["provisioners", "list"], me);
      expect(table.code, table.stderr).toBe(0);
      expect(table.stdout).toMatch(/HOST\s+TAGS\s+KEY\s+VERSION\s+WORKSPACES\s+STATE\s+LAST SEEN/);
      expect(table.stdout).toMatch(new RegExp(`${host}\\s+region=eu\\s+\\(built-in\\)\\s+v9\\.9\\.9\\s+0\\s+online`));
      const json = JSON.parse((await runCli(["provisioners", "list", "-o", "json"], me)).stdout);
      expect(json.find((p: { id: string }) => p.id === row.id)).toMatchObject({ host, tags: { region: "eu" }, version: "v9.9.9", workspaces: 0, online: true });

      const member = await createTestUser();
      const refused = await runCli(["provisioners", "list"], { config: await newConfigDir(), env: { TASKYARD_URL: baseUrl(), TASKYARD_SESSION_TOKEN: member.token } });
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/permission/);
    } finally {
      await sql`DELETE FROM provisioners WHERE id = ${row.id}`;
    }
  });
});
