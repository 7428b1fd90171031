import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { claudeResponder } from "./claude";

const servers: http.Server[] = [];
afterEach(() => {
  servers.splice(0).forEach((s) => s.close());
  delete process.env.ANTHROPIC_API_KEY;
  delete process.env.ANTHROPIC_BASE_URL;
});

/** A local stand-in for Anthropic's Messages API (tests have no network). */
async function fakeAnthropic(reply: (body: { model: string; messages: { role: string; content: string }[] }) => string) {
  const seen: unknown[] = [];
  const server = http.createServer((req, res) => {
    let raw = "";
    req.on("data", (c) => (raw += c));
    req.on("end", () => {
      const body = JSON.parse(raw);
      seen.push(body);
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ id: "msg_1", type: "message", role: "assistant", model: body.model, content: [{ type: "text", text: reply(body) }], stop_reason: "end_turn", usage: { input_tokens: 1, output_tokens: 1 } }));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  servers.push(server);
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

describe("claudeResponder", () => {
  it("sends the whole conversation with user/assistant roles and returns the text", async () => {
    const api = await fakeAnthropic((b) => `Seen ${b.messages.length} messages`);
    process.env.ANTHROPIC_API_KEY = "test-key";
    process.env.ANTHROPIC_BASE_URL = api.url;
    const respond = claudeResponder();
    const history = [
      { id: 0, role: "user" as const, content: "Fix the bug", time: "" },
      { id: 1, role: "agent" as const, content: "Which one?", time: "" },
      { id: 2, role: "user" as const, content: "The login bug", time: "" },
    ];
    expect(await respond("The login bug", history)).toEqual({ content: "Seen 3 messages", state: "idle" });
    expect((api.seen[0] as { messages: unknown[] }).messages).toEqual([
      { role: "user", content: "Fix the bug" },
      { role: "assistant", content: "Which one?" },
      { role: "user", content: "The login bug" },
    ]);
  });

  it("without ANTHROPIC_API_KEY says so as a failure instead of throwing", async () => {
    const reply = await claudeResponder()("hi", [{ id: 0, role: "user", content: "hi", time: "" }]);
    expect(reply.state).toBe("failure");
    expect(reply.content).toContain("ANTHROPIC_API_KEY");
  });
});
