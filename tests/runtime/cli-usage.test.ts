import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { baseUrl, createTestUser, echoTemplateVersion, type TestUser } from "../support/api";
import { newConfigDir, runCli } from "../support/cli";
import { testSql } from "../support/db";

/** `taskyard usage` over model_calls rows written straight to the table, for a member (who sees only their own). */
describe("the taskyard CLI: taskyard usage", () => {
  const sql = testSql();
  let user: TestUser;
  let config: string;
  const cli = (...args: string[]) => runCli(args, { config });

  beforeAll(async () => {
    user = await createTestUser();
    config = await newConfigDir();
    await runCli(["login", baseUrl(), "--token", user.token], { config });
    const task = await user.client.createTask({ input: "Spend some tokens", template_version_id: await echoTemplateVersion() });
    const rows: [model: string, at: string, input: number, output: number, cacheRead: number, cacheWrite: number, cost: number][] = [
      ["claude-opus-test", "2002-05-01T10:00:00Z", 1200, 300, 5000, 700, 0.75],
      ["claude-haiku-test", "2002-05-01T11:00:00Z", 40, 10, 0, 0, 0.0125],
      ["claude-opus-test", "2002-05-02T23:59:59Z", 800, 200, 0, 300, 0.5],
      ["claude-opus-test", "2002-05-03T00:00:00Z", 1, 1, 0, 0, 4], // after --to
      ["claude-today-test", new Date().toISOString(), 10, 5, 0, 0, 0.002],
    ];
    for (const [model, at, input, output, cacheRead, cacheWrite, cost] of rows) {
      await sql`
        INSERT INTO model_calls (task_id, agent_id, model, input_tokens, output_tokens, cache_read_input_tokens, cache_creation_input_tokens, cost_usd, created_at)
        VALUES (${task.id}, ${randomUUID()}, ${model}, ${input}, ${output}, ${cacheRead}, ${cacheWrite}, ${cost}, ${at})`;
    }
  });

  it("--by model prints a table, highest cost first, with a total line", async () => {
    const result = await cli("usage", "--by", "model", "--from", "2002-05-01", "--to", "2002-05-02");
    expect(result.code, result.stderr).toBe(0);
    const table = result.stdout
      .trimEnd()
      .split("\n")
      .map((line) => line.split(/ {2,}/));
    expect(table).toEqual([
      ["MODEL", "INPUT", "OUTPUT", "CACHE READ", "CACHE WRITE", "COST"],
      ["claude-opus-test", "2,000", "500", "5,000", "1,000", "$1.2500"],
      ["claude-haiku-test", "40", "10", "0", "0", "$0.0125"],
      ["TOTAL", "2,040", "510", "5,000", "1,000", "$1.2625"],
    ]);
  });

  it("-o json prints the API's answer", async () => {
    const result = await cli("usage", "--by", "day", "--from", "2002-05-01", "--to", "2002-05-02", "-o", "json");
    expect(result.code, result.stderr).toBe(0);
    const answer = JSON.parse(result.stdout);
    expect(answer).toEqual(await user.client.usage({ group_by: "day", from: "2002-05-01", to: "2002-05-02" }));
    expect(answer.groups.map((g: { key: string; cost_usd: number }) => [g.key, g.cost_usd])).toEqual([
      ["2002-05-01", 0.7625],
      ["2002-05-02", 0.5],
    ]);
  });

  it("--days counts back from today (UTC), the default grouping is by day; an empty period says so on stderr", async () => {
    const today = new Date().toISOString().slice(0, 10);
    const recent = await cli("usage", "--days", "1");
    expect(recent.code, recent.stderr).toBe(0);
    expect(recent.stdout.split("\n")[1].split(/ {2,}/)).toEqual([today, "10", "5", "0", "0", "$0.0020"]);
    const models = await cli("usage", "--by", "model", "--days", "7", "-o", "json");
    expect(JSON.parse(models.stdout).groups.map((g: { key: string }) => g.key)).toEqual(["claude-today-test"]);

    const empty = await cli("usage", "--from", "2002-01-01", "--to", "2002-01-31");
    expect(empty.code, empty.stderr).toBe(0);
    expect(empty.stdout).toBe("");
    expect(empty.stderr).toBe("No model usage from 2002-01-01 to 2002-01-31.\n");
  });

  it("has help with examples; bad input is a usage error (exit 2) or the server's message (exit 1)", async () => {
    const help = await cli("usage", "--help");
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("--by <grouping>");
    expect(help.stdout).toContain("$ taskyard usage --by model --days 7");
    expect((await cli("usage", "--by", "week")).code).toBe(2);
    expect((await cli("usage", "--days", "0")).code).toBe(2);
    const badDate = await cli("usage", "--from", "May 1");
    expect(badDate.code).toBe(1);
    expect(badDate.stderr).toMatch(/^taskyard: .*from: must be a date \(YYYY-MM-DD\)/);
  });
});
