import http from "node:http";
import type { AddressInfo } from "node:net";

/** One content block of a scripted reply, as the Messages API sends it. */
export type ScriptedBlock = { type: "text"; text: string } | { type: "tool_use"; id?: string; name: string; input: Record<string, unknown> };

/** What the stand-in answers a request with: a reply (streamed when asked), or an HTTP error. */
export type ScriptedAnswer =
  | {
      content: ScriptedBlock[];
      usage?: { input_tokens?: number; output_tokens?: number; cache_read_input_tokens?: number; cache_creation_input_tokens?: number };
      /** Streamed answers: a pause before each event after the first (a slow model). */
      delayMs?: number;
      /** A pause before the answer starts: a real provider's time to first token. */
      firstEventDelayMs?: number;
      /** Streamed answers: send `message_start` and then nothing more, never ending (a call cut off midway). */
      stall?: boolean;
    }
  | { status: number; type?: string; message?: string };

export type MessagesRequest = {
  model: string;
  stream?: boolean;
  system?: unknown;
  messages: { role: "user" | "assistant" | "system"; content: string | { type: string; text?: string; content?: unknown; tool_use_id?: string; name?: string; input?: unknown }[] }[];
  tools?: { name: string }[];
};

/** Every text a request's messages carry, tool results included: what the model "knows". */
export function textOf(request: MessagesRequest): string {
  const parts: string[] = [];
  const walk = (value: unknown) => {
    if (typeof value === "string") parts.push(value);
    else if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === "object") for (const v of Object.values(value)) walk(v);
  };
  walk(request.messages);
  return parts.join("\n");
}

/** Claude Code may end `messages` with a system entry: the conversation's last word is the last user message. */
function lastUser(request: MessagesRequest) {
  return request.messages.findLast((m) => m.role === "user");
}

/** The last user message's text, without tool results: the prompt of this turn, if it is one. */
export function lastUserText(request: MessagesRequest): string {
  const last = lastUser(request);
  if (!last) return "";
  if (typeof last.content === "string") return last.content;
  return last.content.flatMap((b) => (b.type === "text" && b.text ? [b.text] : [])).join("\n");
}

/** The newest text the user wrote: the last text block of the last user message (earlier ones may be merged into it). */
export function latestPrompt(request: MessagesRequest): string {
  const last = lastUser(request);
  if (!last) return "";
  if (typeof last.content === "string") return last.content;
  return last.content.findLast((b) => b.type === "text" && b.text)?.text ?? "";
}

/** Is this request the continuation of a tool round (its last message carries tool results)? */
export function isToolResult(request: MessagesRequest): boolean {
  const last = lastUser(request);
  return !!last && Array.isArray(last.content) && last.content.some((b) => b.type === "tool_result");
}

/**
 * A local stand-in for Anthropic's Messages API (tests have no network): Claude Code runs for real
 * against it. `script` decides each answer to the agent's requests (those offering tools), which are
 * recorded in `requests`; side requests (a session title) get a plain answer.
 */
export async function startFakeAnthropic(script: (request: MessagesRequest) => ScriptedAnswer) {
  const requests: MessagesRequest[] = [];
  /** The API key of every request (side requests included): what reached the model provider. */
  const keys: string[] = [];
  /** The usage of every answer sent, as message_start + message_delta say it: what the provider would bill. */
  const billed: { input_tokens: number; output_tokens: number; cache_read_input_tokens: number; cache_creation_input_tokens: number; model: string; key: string }[] = [];
  let counter = 0;
  const server = http.createServer((req, res) => {
    let raw = "";
    req.on("data", (c) => (raw += c));
    req.on("end", async () => {
      const key = String(req.headers["x-api-key"] ?? req.headers.authorization ?? "");
      keys.push(key);
      const url = new URL(req.url ?? "/", "http://x");
      if (req.method !== "POST" || !url.pathname.endsWith("/v1/messages")) {
        // Claude Code's start-up checks (/api/hello and the like): answer politely.
        res.writeHead(200, { "content-type": "application/json" });
        return res.end("{}");
      }
      const request = JSON.parse(raw) as MessagesRequest;
      // Claude Code's side requests (a session title and the like) offer no tools: they get a plain answer.
      const side = !request.tools?.length;
      if (!side) requests.push(request);
      let answer: ScriptedAnswer;
      try {
        answer = side ? { content: [{ type: "text", text: "Task" }], usage: { input_tokens: 0, output_tokens: 0 } } : script(request);
      } catch (e) {
        answer = { status: 500, message: `the test's script threw: ${e}` };
      }
      if ("status" in answer) {
        res.writeHead(answer.status, { "content-type": "application/json", "x-should-retry": "false" });
        return res.end(JSON.stringify({ type: "error", error: { type: answer.type ?? "api_error", message: answer.message ?? "scripted failure" } }));
      }
      const id = `msg_fake_${++counter}`;
      const content = answer.content.map((b, i) => (b.type === "tool_use" ? { ...b, id: b.id ?? `toolu_fake_${counter}_${i}` } : b));
      const usage = { input_tokens: 100, output_tokens: 20, cache_read_input_tokens: 0, cache_creation_input_tokens: 0, ...answer.usage };
      const stopReason = content.some((b) => b.type === "tool_use") ? "tool_use" : "end_turn";
      const message = { id, type: "message", role: "assistant", model: request.model, content, stop_reason: stopReason, stop_sequence: null, usage };
      if (answer.firstEventDelayMs) await new Promise((r) => setTimeout(r, answer.firstEventDelayMs));
      if (!request.stream) {
        billed.push({ ...usage, model: request.model, key });
        res.writeHead(200, { "content-type": "application/json" });
        return res.end(JSON.stringify(message));
      }
      res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
      const pause = () => new Promise((r) => setTimeout(r, answer.delayMs ?? 0));
      const event = async (name: string, data: unknown) => {
        if (name !== "message_start" && answer.delayMs) await pause();
        res.write(`event: ${name}\ndata: ${JSON.stringify({ type: name, ...(data as object) })}\n\n`);
      };
      await event("message_start", { message: { ...message, content: [], stop_reason: null, usage: { ...usage, output_tokens: Math.min(1, usage.output_tokens) } } });
      if (answer.stall) {
        billed.push({ ...usage, output_tokens: Math.min(1, usage.output_tokens), model: request.model, key });
        return; // never ends: the caller gives up (or is killed) midway
      }
      billed.push({ ...usage, model: request.model, key });
      for (const [index, block] of content.entries()) {
        if (block.type === "text") {
          await event("content_block_start", { index, content_block: { type: "text", text: "" } });
          await event("content_block_delta", { index, delta: { type: "text_delta", text: block.text } });
        } else {
          await event("content_block_start", { index, content_block: { type: "tool_use", id: block.id, name: block.name, input: {} } });
          await event("content_block_delta", { index, delta: { type: "input_json_delta", partial_json: JSON.stringify(block.input) } });
        }
        await event("content_block_stop", { index });
      }
      await event("message_delta", { delta: { stop_reason: stopReason, stop_sequence: null }, usage: { output_tokens: usage.output_tokens } });
      await event("message_stop", {});
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    keys,
    billed,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
