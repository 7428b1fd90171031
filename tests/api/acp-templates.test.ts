import { describe, expect, it } from "vitest";
import { createTestUser, raw } from "../support/api";

describe("the built-in ACP templates say when they can run", () => {
  it("claude-acp needs ANTHROPIC_API_KEY (unset on this server; its adapter ships with Taskyard), gemini its program on PATH", async () => {
    const { token } = await createTestUser();
    const res = await raw("GET", "/api/v2/templates", { token });
    const byName = Object.fromEntries(res.body.map((t: { name: string }) => [t.name, t]));
    expect(byName["claude-acp"]).toMatchObject({
      available: false,
      unavailable_reason: "`claude-code-acp` needs ANTHROPIC_API_KEY set on the Taskyard server.",
      models: ["claude-haiku-4-5", "claude-sonnet-4-5", "claude-opus-4-5"],
    });
    expect(byName.gemini).toMatchObject({ available: false, unavailable_reason: "`gemini` is not installed on the Taskyard server (not found on PATH)." });
  });
});
