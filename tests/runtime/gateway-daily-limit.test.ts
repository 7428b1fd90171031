import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TaskyardClient, type Task } from "../../lib/sdk/client";
import { startFakeAnthropic } from "../support/fake-anthropic";
import { waitFor, waitForStatus } from "../support/runtime";
import { startServer, tempDataDir } from "../support/stack";
import { databaseUrlOf } from "../support/stack-db";

const GATEWAY = "/api/v2/aigateway/anthropic";
/** Each call: 10,000 tokens in and 100 out on claude-haiku-4-5, $0.0105. */
const PER_CALL = { input_tokens: 10_000, output_tokens: 100 };

const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => {});
});

/**
 * The owner's limit per user per UTC day (TASKYARD_USER_DAILY_MAX_COST_USD), across all of a user's
 * tasks. The calls are made straight to the gateway with each task's agent key (the model-gateway
 * test shows Claude Code making them); echo tasks, whose agents get a key here as the provisioner
 * gives one (only its hash is stored).
 */
describe("the gateway's daily limit per user", () => {
  let sql: postgres.Sql;
  let baseUrl: string;
  let owner: TaskyardClient;
  let member: TaskyardClient;

  beforeAll(async () => {
    const api = await startFakeAnthropic(() => ({ content: [{ type: "text", text: "ok" }], usage: PER_CALL }));
    cleanups.push(() => api.close());
    const dataDir = await tempDataDir();
    const server = await startServer({ dataDir, env: { ANTHROPIC_API_KEY: "sk-daily", ANTHROPIC_BASE_URL: api.url, TASKYARD_USER_DAILY_MAX_COST_USD: "0.02" } });
    cleanups.push(() => fs.rm(dataDir, { recursive: true, force: true }), () => server.proc.stop());
    baseUrl = server.baseUrl;
    sql = postgres(await databaseUrlOf(dataDir), { max: 2, onnotice: () => {} });
    cleanups.push(() => sql.end());
    owner = new TaskyardClient({ baseUrl, token: (await new TaskyardClient({ baseUrl }).login("admin@example.com", "admin-password")).session_token });
    await owner.createUser({ email: "daily@example.com", username: "daily", password: "daily-password-1", role: "member" });
    member = new TaskyardClient({ baseUrl, token: (await new TaskyardClient({ baseUrl }).login("daily@example.com", "daily-password-1")).session_token });
  });

  /** A running echo task of `client`'s, and its agent's gateway key. */
  const taskWithKey = async (client: TaskyardClient): Promise<{ task: Task; key: string }> => {
    const echo = (await client.templates()).find((t) => t.name === "echo")!.active_version_id;
    const task = await client.createTask({ input: "daily limit", template_version_id: echo });
    await waitForStatus(client, task.id, "active", 60_000);
    const key = `tyk-${randomBytes(32).toString("hex")}`;
    await sql`UPDATE workspace_agents SET gateway_key_hash = ${createHash("sha256").update(key).digest("hex")} WHERE workspace_id = ${task.workspace_id!}`;
    return { task, key };
  };
  const call = (key: string) =>
    fetch(`${baseUrl}${GATEWAY}/v1/messages`, {
      method: "POST",
      headers: { "x-api-key": key, "anthropic-version": "2023-06-01", "content-type": "application/json" },
      // With a tool, as a coding agent's calls are (the stand-in answers calls without one as side requests, at no cost).
      body: JSON.stringify({ model: "claude-haiku-4-5", max_tokens: 10, tools: [{ name: "noop", input_schema: { type: "object" } }], messages: [{ role: "user", content: "hi" }] }),
    });

  it("counts every task of the user: past it, each of them is refused, another user's is not", async () => {
    const first = await taskWithKey(member);
    const second = await taskWithKey(member);
    for (const key of [first.key, second.key]) {
      const res = await call(key);
      expect(res.status).toBe(200);
      await res.text();
    }
    // Usage is written as the answer passes (just after its last byte, for an answer that is not streamed).
    await waitFor("both calls' usage", async () => (await member.task("me", first.task.id)).usage.cost_usd > 0 && (await member.task("me", second.task.id)).usage.cost_usd > 0);
    // $0.021 spent today by this user, over $0.02: both of their tasks are refused, in the Messages API's words.
    for (const key of [first.key, second.key]) {
      const refused = await call(key);
      expect(refused.status).toBe(403);
      const body = await refused.json();
      expect(body.error.type).toBe("permission_error");
      expect(body.error.message).toContain("$0.02 a day");
    }
    expect((await member.task("me", second.task.id)).usage.stopped_by).toBe("user_daily_max_cost_usd");
    const others = await taskWithKey(owner);
    const allowed = await call(others.key);
    expect(allowed.status).toBe(200);
    await allowed.text();
  }, 120_000);
});
