import { beforeAll, describe, expect, it } from "vitest";
import { baseUrl, createTestUser, type TestUser } from "../support/api";
import { newConfigDir, runCli } from "../support/cli";
import { waitUntil } from "../support/webhook-receiver";

/** `taskyard webhooks …` against the shared test server, as a member would use it. */
let member: TestUser;
let me: { config: string; env: Record<string, string> };
const URL_ = "https://hooks.cli.example.invalid/taskyard";

beforeAll(async () => {
  member = await createTestUser();
  me = { config: await newConfigDir(), env: { TASKYARD_URL: baseUrl(), TASKYARD_SESSION_TOKEN: member.token } };
});

describe("taskyard webhooks", () => {
  it("adds (printing the secret once), lists, tests, shows deliveries, disables, enables, rotates and removes", async () => {
    const added = await runCli(["webhooks", "add", URL_, "--events", "task.idle,task.complete", "--events", "task.failed", "--format", "slack"], me);
    expect(added.code, added.stderr).toBe(0);
    const secret = added.stdout.match(/whsec_[A-Za-z0-9+/=]+/)?.[0];
    expect(secret).toBeTruthy();
    const [webhook] = await member.client.webhooks();
    expect(webhook).toMatchObject({ url: URL_, events: ["task.idle", "task.complete", "task.failed"], format: "slack", enabled: true });
    const short = webhook.id.slice(0, 8);

    const table = await runCli(["webhooks", "list"], me);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/ID\s+URL\s+EVENTS\s+FORMAT\s+STATE\s+CREATED/);
    expect(table.stdout).toContain(short);
    expect(table.stdout).toContain(URL_);
    expect(table.stdout).not.toContain(secret);
    const json = await runCli(["webhooks", "list", "-o", "json"], me);
    expect(JSON.parse(json.stdout)).toEqual([expect.objectContaining({ id: webhook.id })]);
    expect(json.stdout).not.toContain("whsec_");

    const tested = await runCli(["webhooks", "test", short], me);
    expect(tested.code, tested.stderr).toBe(0);
    expect(tested.stdout).toContain("Queued a test delivery");
    // The name does not resolve here: the attempt fails and stays pending for its retry, saying why.
    await waitUntil("an attempt", async () => (await member.client.webhookDeliveries(webhook.id))[0]?.attempts > 0);
    const log = await runCli(["webhooks", "deliveries", short], me);
    expect(log.code, log.stderr).toBe(0);
    expect(log.stdout).toMatch(/ID\s+EVENT\s+STATUS\s+ATTEMPTS\s+HTTP\s+LATENCY\s+CREATED\s+LAST ERROR/);
    expect(log.stdout).toMatch(/webhook\.test\s+pending \(next [^)]+\)\s+1\s+-/);
    expect(log.stdout).toContain("cannot resolve hooks.cli.example.invalid");

    expect((await runCli(["webhooks", "disable", short], me)).code).toBe(0);
    expect((await member.client.webhooks())[0].enabled).toBe(false);
    expect((await runCli(["webhooks", "list"], me)).stdout).toContain("disabled");
    expect((await runCli(["webhooks", "enable", URL_], me)).code).toBe(0);
    expect((await member.client.webhooks())[0].enabled).toBe(true);

    const rotated = await runCli(["webhooks", "rotate-secret", short], me);
    expect(rotated.code, rotated.stderr).toBe(0);
    const newSecret = rotated.stdout.match(/whsec_[A-Za-z0-9+/=]+/)?.[0];
    expect(newSecret).toBeTruthy();
    expect(newSecret).not.toBe(secret);

    const removed = await runCli(["webhooks", "remove", webhook.id], me);
    expect(removed.code, removed.stderr).toBe(0);
    expect(await member.client.webhooks()).toEqual([]);
  });

  it("says what is wrong: an unknown event, a private address, an unknown webhook", async () => {
    const badEvent = await runCli(["webhooks", "add", URL_, "--events", "task.exploded"], me);
    expect(badEvent.code).toBe(1);
    expect(badEvent.stderr).toMatch(/events.*must be one of task\.created/);
    const local = await runCli(["webhooks", "add", "http://127.0.0.1:9/hook", "--events", "task.idle"], me);
    expect(local.code).toBe(1);
    expect(local.stderr).toMatch(/127\.0\.0\.1 \(loopback\).*TASKYARD_WEBHOOK_ALLOW_PRIVATE=1/);
    const missing = await runCli(["webhooks", "test", "ffffffff"], me);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no webhook "ffffffff"');
    const noEvents = await runCli(["webhooks", "add", URL_], me);
    expect(noEvents.code).not.toBe(0);
    expect(noEvents.stderr).toMatch(/--events/);
    expect(await member.client.webhooks()).toEqual([]);
  });

  it("teaches with --help", async () => {
    const help = await runCli(["webhooks", "--help"], me);
    expect(help.stdout).toMatch(/add \[options\] <url>/);
    expect(help.stdout).toContain("rotate-secret");
    expect(help.stdout).toContain("$ taskyard webhooks add https://example.com/hooks/taskyard --events task.idle,task.complete,task.failed");
  });
});
