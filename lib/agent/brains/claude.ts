import Anthropic from "@anthropic-ai/sdk";
import type { Responder } from "./local";

/** A plain conversational Claude: the whole history goes to the Messages API on every turn. */
export function claudeResponder(): Responder {
  const apiKey = process.env.ANTHROPIC_API_KEY;
  const model = process.env.ANTHROPIC_MODEL || "claude-sonnet-4-5";
  const client = apiKey ? new Anthropic({ apiKey, baseURL: process.env.ANTHROPIC_BASE_URL || undefined, maxRetries: 2 }) : null;
  return async (_input, history) => {
    if (!client) return { content: "The claude template needs ANTHROPIC_API_KEY on the Taskyard server.", state: "failure" };
    const response = await client.messages.create({
      model,
      max_tokens: 4096,
      system: "You are a coding agent working on the user's task. Be concise and concrete.",
      messages: history.map((m) => ({ role: m.role === "user" ? ("user" as const) : ("assistant" as const), content: m.content })),
    });
    const text = response.content.flatMap((block) => (block.type === "text" ? [block.text] : [])).join("\n");
    return { content: text || "(no reply)", state: "idle" };
  };
}
