import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { createTestUser, echoTemplateVersion, ownerClient, raw, type TestUser } from "../support/api";
import { testSql } from "../support/db";

/**
 * GET /api/v2/usage over model_calls rows written straight to the table (as the gateway meters them).
 * The rows sit in March 2001, a window no other test writes to, so exact sums hold on the shared database.
 */
const sql = testSql();
let alice: TestUser;
let bob: TestUser;
let admin: TestUser;

type Call = { user: () => TestUser; model: string; at: string; input: number; output: number; cacheRead?: number; cacheWrite?: number; cost: number };
const CALLS: Call[] = [
  { user: () => alice, model: "model-x", at: "2001-02-28T23:59:59.999Z", input: 1, output: 1, cost: 8 }, // the day before `from`
  { user: () => alice, model: "model-x", at: "2001-03-01T00:00:00Z", input: 100, output: 10, cacheRead: 1000, cacheWrite: 50, cost: 0.5 },
  { user: () => alice, model: "model-y", at: "2001-03-01T23:59:59.999Z", input: 200, output: 20, cost: 0.25 },
  { user: () => bob, model: "model-x", at: "2001-03-02T12:00:00Z", input: 300, output: 30, cost: 1 },
  { user: () => alice, model: "model-x", at: "2001-03-03T23:59:59Z", input: 400, output: 40, cost: 0.125 },
  { user: () => bob, model: "model-y", at: "2001-03-04T00:00:00Z", input: 1, output: 1, cost: 16 }, // the day after `to`
];
const RANGE = "from=2001-03-01&to=2001-03-03";

const group = (key: string, input: number, output: number, cost: number, cacheRead = 0, cacheWrite = 0) => ({
  key,
  input_tokens: input,
  output_tokens: output,
  cache_read_input_tokens: cacheRead,
  cache_creation_input_tokens: cacheWrite,
  cost_usd: cost,
});

const usage = async (user: TestUser, query: string) => {
  const res = await raw("GET", `/api/v2/usage?${query}`, { token: user.token });
  expect(res.status, res.text).toBe(200);
  return res.body.groups;
};

beforeAll(async () => {
  [alice, bob, admin] = await Promise.all([createTestUser(), createTestUser(), createTestUser("admin")]);
  const version = await echoTemplateVersion();
  const taskOf = new Map<TestUser, string>();
  for (const user of [alice, bob]) taskOf.set(user, (await user.client.createTask({ input: "Spend some tokens", template_version_id: version })).id);
  for (const c of CALLS) {
    await sql`
      INSERT INTO model_calls (task_id, agent_id, model, input_tokens, output_tokens, cache_read_input_tokens, cache_creation_input_tokens, cost_usd, created_at)
      VALUES (${taskOf.get(c.user())!}, ${randomUUID()}, ${c.model}, ${c.input}, ${c.output}, ${c.cacheRead ?? 0}, ${c.cacheWrite ?? 0}, ${c.cost}, ${c.at})`;
  }
});

describe("GET /api/v2/usage", () => {
  it("groups by day (the default): UTC days in order, from and to both included, nothing outside", async () => {
    const days = [group("2001-03-01", 300, 30, 0.75, 1000, 50), group("2001-03-02", 300, 30, 1), group("2001-03-03", 400, 40, 0.125)];
    expect(await usage(admin, RANGE)).toEqual(days);
    expect(await usage(admin, `group_by=day&${RANGE}`)).toEqual(days);
    // One day: its first and last instant count, the next day's first does not.
    expect(await usage(admin, "group_by=day&from=2001-03-01&to=2001-03-01")).toEqual([days[0]]);
    expect(await usage(admin, "group_by=day&from=2001-02-28&to=2001-02-28")).toEqual([group("2001-02-28", 1, 1, 8)]);
    // Only one bound: the other side is open.
    const fromOnly = await usage(admin, "group_by=day&from=2001-03-03");
    expect(fromOnly.slice(0, 2)).toEqual([days[2], group("2001-03-04", 1, 1, 16)]);
    expect(fromOnly.every((g: { key: string }) => g.key >= "2001-03-03")).toBe(true);
    const toOnly = await usage(admin, "group_by=day&to=2001-03-01");
    expect(toOnly.slice(-2)).toEqual([group("2001-02-28", 1, 1, 8), days[0]]);
  });

  it("groups by model, template and user, highest cost first", async () => {
    expect(await usage(admin, `group_by=model&${RANGE}`)).toEqual([group("model-x", 800, 80, 1.625, 1000, 50), group("model-y", 200, 20, 0.25)]);
    expect(await usage(admin, `group_by=template&${RANGE}`)).toEqual([group("echo", 1000, 100, 1.875, 1000, 50)]);
    expect(await usage(admin, `group_by=user&${RANGE}`)).toEqual([group(bob.username, 300, 30, 1), group(alice.username, 700, 70, 0.875, 1000, 50)]);
    // The owner sees everyone's too.
    const res = await raw("GET", `/api/v2/usage?group_by=user&${RANGE}`, { token: ownerClient().token });
    expect(res.body.groups.map((g: { key: string }) => g.key)).toEqual([bob.username, alice.username]);
  });

  it("a member sees only their own spend, whatever the grouping", async () => {
    expect(await usage(alice, `group_by=user&${RANGE}`)).toEqual([group(alice.username, 700, 70, 0.875, 1000, 50)]);
    expect(await usage(alice, `group_by=model&${RANGE}`)).toEqual([group("model-x", 500, 50, 0.625, 1000, 50), group("model-y", 200, 20, 0.25)]);
    expect(await usage(alice, `group_by=day&${RANGE}`)).toEqual([group("2001-03-01", 300, 30, 0.75, 1000, 50), group("2001-03-03", 400, 40, 0.125)]);
    expect(await usage(alice, `group_by=template&${RANGE}`)).toEqual([group("echo", 700, 70, 0.875, 1000, 50)]);
    expect(await usage(bob, `group_by=day&${RANGE}`)).toEqual([group("2001-03-02", 300, 30, 1)]);
    expect(await usage(bob, `group_by=user`)).toEqual([group(bob.username, 301, 31, 17)]);
    // A member with no calls at all sees nothing, not others' spend.
    const carol = await createTestUser();
    for (const by of ["user", "template", "model", "day"]) expect(await usage(carol, `group_by=${by}`)).toEqual([]);
  });

  it("answers 400 in the API's error shape for a bad grouping or date, and 401 without a session", async () => {
    for (const [query, field] of [
      ["group_by=week", "group_by"],
      ["from=2001-3-1", "from"],
      ["to=yesterday", "to"],
      ["from=2001-13-01", "from"],
      ["from=2001-03-03&to=2001-03-01", "from"],
    ]) {
      const res = await raw("GET", `/api/v2/usage?${query}`, { token: alice.token });
      expect(res.status, query).toBe(400);
      expect(res.body.message, query).toEqual(expect.any(String));
      expect(res.body.validations?.map((v: { field: string }) => v.field), query).toContain(field);
    }
    expect((await raw("GET", "/api/v2/usage")).status).toBe(401);
  });
});
