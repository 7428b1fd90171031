import { describe, expect, inject, it } from "vitest";
import { baseUrl, createTestUser, ownerClient, uniqueName } from "../support/api";
import { newConfigDir, runCli } from "../support/cli";

/** `taskyard users …` as the owner, and `taskyard keys …` as a member, against the shared test server. */
const asOwner = async () => ({ config: await newConfigDir(), env: { TASKYARD_URL: baseUrl(), TASKYARD_SESSION_TOKEN: inject("ownerToken") } });

describe("taskyard users", () => {
  it("creates (with a password, or an invite link printed once), lists with filters, changes a role, suspends and reactivates", { timeout: 150_000 }, async () => {
    const owner = await asOwner();
    const ada = uniqueName("ada");
    const created = await runCli(["users", "create", "--email", `${ada}@example.com`, "--username", ada, "--name", "Ada L"], owner);
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toContain(`Created ${ada} <${ada}@example.com> as member (invited)`);
    const link = created.stdout.match(/http:\/\/\S+\/invite\?code=[A-Za-z0-9_-]{32}/)?.[0];
    expect(link).toBeTruthy();
    // The link works (once) through the API.
    const code = new URL(link!).searchParams.get("code")!;
    expect((await ownerClient().invite(code)).username).toBe(ada);

    const bob = uniqueName("bob");
    const withPassword = await runCli(["users", "create", "--email", `${bob}@example.com`, "--username", bob, "--role", "admin", "--password", "password-123"], owner);
    expect(withPassword.code, withPassword.stderr).toBe(0);
    expect(withPassword.stdout).toContain("as admin (active)");
    expect(withPassword.stdout).not.toContain("/invite");

    const table = await runCli(["users", "list", "--search", ada], owner);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/USERNAME\s+EMAIL\s+NAME\s+ROLE\s+STATUS\s+LAST SEEN\s+CREATED/);
    expect(table.stdout).toMatch(new RegExp(`${ada}\\s+${ada}@example.com\\s+Ada L\\s+member\\s+invited\\s+never`));
    const admins = JSON.parse((await runCli(["users", "list", "--role", "admin", "-o", "json"], owner)).stdout) as { username: string; roles: { name: string }[] }[];
    expect(admins.map((u) => u.username)).toContain(bob);
    expect(admins.every((u) => u.roles[0].name === "admin")).toBe(true);

    const role = await runCli(["users", "role", bob, "member"], owner);
    expect(role.code, role.stderr).toBe(0);
    expect(role.stdout).toContain(`${bob} is now member`);
    const badRole = await runCli(["users", "role", bob, "root"], owner);
    expect(badRole.code).toBe(2);

    // bob signs in with the CLI; suspension refuses that saved token on its next use.
    const bobsCli = { config: await newConfigDir() };
    const login = await runCli(["login", baseUrl(), "--email", `${bob}@example.com`], { ...bobsCli, input: "password-123\n" });
    expect(login.code, login.stderr).toBe(0);
    expect((await runCli(["whoami"], bobsCli)).code).toBe(0);
    // …and a script of bob's uses an API key.
    const { key } = await ownerClient().createApiKey(bob);
    const bobsScript = { config: await newConfigDir(), env: { TASKYARD_URL: baseUrl(), TASKYARD_SESSION_TOKEN: key } };
    expect((await runCli(["whoami"], bobsScript)).code).toBe(0);
    const suspended = await runCli(["users", "suspend", bob], owner);
    expect(suspended.code, suspended.stderr).toBe(0);
    expect(suspended.stdout).toContain(`${bob} is suspended`);
    // The CLI login's session is gone; the API key is refused as suspended.
    const refused = await runCli(["whoami"], bobsCli);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("Invalid session token.");
    const scriptRefused = await runCli(["whoami"], bobsScript);
    expect(scriptRefused.code).toBe(1);
    expect(scriptRefused.stderr).toContain("Your account is suspended.");
    const activated = await runCli(["users", "activate", bob], owner);
    expect(activated.stdout).toContain(`${bob} is active`);
    // The API key works again; the CLI's session was ended by the suspension: signing in again works.
    expect((await runCli(["whoami"], bobsScript)).code).toBe(0);
    expect((await runCli(["whoami"], bobsCli)).code).toBe(1);
    expect((await runCli(["login", baseUrl(), "--email", `${bob}@example.com`], { ...bobsCli, input: "password-123\n" })).code).toBe(0);
    expect((await runCli(["whoami"], bobsCli)).code).toBe(0);

    // Yourself: the server's 400, said plainly.
    const self = await runCli(["users", "suspend", "me"], owner);
    expect(self.code).toBe(1);
    expect(self.stderr).toContain("You cannot suspend or reactivate yourself.");
  });

  it("a member is refused (403) and nothing is created", async () => {
    const member = await createTestUser();
    const cli = { config: await newConfigDir(), env: { TASKYARD_URL: baseUrl(), TASKYARD_SESSION_TOKEN: member.token } };
    const name = uniqueName("nope");
    const res = await runCli(["users", "create", "--email", `${name}@example.com`, "--username", name], cli);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain("permission");
    expect((await ownerClient().users(name)).count).toBe(0);
  });
});

describe("taskyard keys", () => {
  it("creates a named key with an expiry (printed once), lists it, revokes it by name", { timeout: 90_000 }, async () => {
    const member = await createTestUser();
    const cli = { config: await newConfigDir(), env: { TASKYARD_URL: baseUrl(), TASKYARD_SESSION_TOKEN: member.token } };
    const created = await runCli(["keys", "create", "--name", "deploy", "--expires", "2d"], cli);
    expect(created.code, created.stderr).toBe(0);
    const key = created.stdout.match(/[A-Za-z0-9]{10}-[A-Za-z0-9]{22}/)?.[0];
    expect(key).toBeTruthy();
    const info = (await member.client.apiKeys()).find((k) => k.id === key!.split("-")[0])!;
    expect(info).toMatchObject({ token_name: "deploy", lifetime_seconds: 2 * 86_400 });

    const table = await runCli(["keys", "list"], cli);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/ID\s+NAME\s+TYPE\s+LAST USED\s+EXPIRES\s+CURRENT/);
    expect(table.stdout).toMatch(new RegExp(`${info.id}\\s+deploy\\s+api key`));
    expect(table.stdout).not.toContain(key);

    expect((await runCli(["keys", "create", "--expires", "soon"], cli)).code).toBe(2);
    const dup = await runCli(["keys", "create", "--name", "DEPLOY"], cli);
    expect(dup.code).toBe(1);
    expect(dup.stderr).toContain('already have an API key named "DEPLOY"');
    const tooLong = await runCli(["keys", "create", "--expires", "60w"], cli);
    expect(tooLong.code).toBe(1);
    expect(tooLong.stderr).toContain("lifetime_seconds");

    const revoked = await runCli(["keys", "revoke", "deploy"], cli);
    expect(revoked.code, revoked.stderr).toBe(0);
    expect(revoked.stdout).toContain(`Revoked API key ${info.id} (deploy)`);
    expect((await member.client.apiKeys()).some((k) => k.id === info.id)).toBe(false);
    expect((await runCli(["keys", "revoke", "deploy"], cli)).code).toBe(1);
  });
});
