import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { baseUrl, createTestUser, type TestUser } from "../support/api";
import { newConfigDir, runCli } from "../support/cli";
import { processesHolding } from "../support/processes";
import { startGitHubStandIn } from "../support/forge-stand-ins";

const TOKEN = `ghp_${randomBytes(18).toString("hex")}`;
const host = `cli-${randomUUID().slice(0, 6)}.example.com`;
let github: Awaited<ReturnType<typeof startGitHubStandIn>>;
let member: TestUser;
const as = (token: string) => ({ config: "", env: { TASKYARD_URL: baseUrl(), TASKYARD_SESSION_TOKEN: token } });

beforeAll(async () => {
  github = await startGitHubStandIn({ [TOKEN]: { login: "cli-user", scopes: ["repo"] } });
  member = await createTestUser();
});
afterAll(() => github?.close());

describe("taskyard providers and taskyard git-credentials", () => {
  it("the owner adds, lists (table and -o json) and removes providers; a member is refused", async () => {
    const config = await newConfigDir();
    const owner = { ...as(inject("ownerToken")), config };
    const added = await runCli(["providers", "add", "github", host, "--api-url", github.url, "-o", "json"], owner);
    expect(added.code, added.stderr).toBe(0);
    expect(JSON.parse(added.stdout)).toMatchObject({ kind: "github", host, api_url: github.url });
    const table = await runCli(["providers", "list"], owner);
    expect(table.stdout).toMatch(/ID\s+KIND\s+HOST\s+API URL\s+CREATED/);
    expect(table.stdout).toContain(host);
    const refused = await runCli(["providers", "add", "gitlab", `m-${host}`], { ...as(member.token), config });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/permission/i);
  });

  it("a member adds a token from stdin (never argv), lists it without the token, and removes it", async () => {
    const config = await newConfigDir();
    const me = { ...as(member.token), config };
    const added = await runCli(["git-credentials", "add", host], { ...me, input: `${TOKEN}\n` });
    expect(added.code, added.stderr).toBe(0);
    expect(added.stdout).toContain(`as cli-user`);
    expect(added.stdout + added.stderr).not.toContain(TOKEN);
    expect(processesHolding(TOKEN)).toEqual([]);
    const json = await runCli(["git-credentials", "list", "-o", "json"], me);
    expect(JSON.parse(json.stdout)).toEqual([expect.objectContaining({ host, login: "cli-user", token_last4: TOKEN.slice(-4) })]);
    const table = await runCli(["git-credentials", "list"], me);
    expect(table.stdout).toMatch(/ID\s+HOST\s+KIND\s+LOGIN\s+SCOPES\s+TOKEN\s+CREATED\s+LAST USED/);
    expect(table.stdout).toContain(`…${TOKEN.slice(-4)}`);
    expect(table.stdout).not.toContain(TOKEN);
    const bad = await runCli(["git-credentials", "add", host], { ...me, input: "ghp_wrong\n" });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("did not accept this token");
    const removed = await runCli(["git-credentials", "remove", host], me);
    expect(removed.code, removed.stderr).toBe(0);
    expect((await runCli(["git-credentials", "list", "-o", "json"], me)).stdout.trim()).toBe("[]");
    const owner = { ...as(inject("ownerToken")), config };
    expect((await runCli(["providers", "remove", host, "--yes"], owner)).code).toBe(0);
  });
});
