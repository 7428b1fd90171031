import { z } from "zod";
import { plainRequest, type PlainResponse } from "../http-request";

/** The AgentAPI protocol (coder/agentapi's openapi.json), as the server speaks it to any agent. */
export const agentMessage = z.object({
  id: z.number().int(),
  content: z.string(),
  role: z.enum(["user", "agent"]),
  time: z.string(),
});
export type AgentMessage = z.infer<typeof agentMessage>;

const statusResponse = z.object({ status: z.enum(["running", "stable"]), agent_type: z.string().optional() });
export const repoCommit = z.object({
  sha: z.string(),
  subject: z.string(),
  /** `Name <email>`, as git has it. */
  author: z.string(),
  created_at: z.string(),
});

/** Taskyard's extension of an agent's port: the repository's changes against a base commit. */
export const changesResponse = z.object({
  head_commit: z.string(),
  files: z.array(
    z.object({
      path: z.string(),
      status: z.enum(["added", "modified", "deleted", "renamed"]),
      additions: z.number().int(),
      deletions: z.number().int(),
      old_path: z.string().optional(),
    }),
  ),
  diff: z.string(),
  truncated: z.boolean(),
  /** Commits since the base, newest first (at most 100); an agent from before commits were listed sends none. */
  commits: z.array(repoCommit).default([]),
  /** Files that differ from HEAD (uncommitted); an agent from before it was counted sends none. */
  uncommitted_files: z.number().int().optional(),
});
export type RepoChanges = z.infer<typeof changesResponse>;

/**
 * Taskyard's extension of an agent's port: one tool call behind a tool line of an agent message,
 * in order. `input` is its arguments as JSON text; `output` is null until the tool has answered.
 * Each is kept up to 16 KiB (`*_truncated` says when more was cut; `output_bytes` is the whole size).
 */
export const toolCall = z.object({
  id: z.string(),
  name: z.string(),
  input: z.string(),
  input_truncated: z.boolean(),
  output: z.string().nullable(),
  output_bytes: z.number().int(),
  output_truncated: z.boolean(),
  is_error: z.boolean(),
});
export type ToolCall = z.infer<typeof toolCall>;
export const toolCallsResponse = z.object({ tool_calls: z.array(toolCall) });

const messagesResponse = z.object({ messages: z.array(agentMessage).nullable().transform((m) => m ?? []) });

/** The most the server reads of one answer from an agent (a long conversation is a few MiB). */
export const AGENT_RESPONSE_MAX_BYTES = 32 * 1024 * 1024;

export class AgentUnreachableError extends Error {
  /** `status` and `reason`: the agent's own HTTP status and problem detail, when it answered at all. */
  constructor(message: string, readonly status?: number, readonly reason?: string) {
    super(message);
    this.name = "AgentUnreachableError";
  }
}

/**
 * Where the server reaches an agent: its registered address, the secret its port demands and, for
 * an agent on another host (https), the certificate it registered, which is all that is trusted.
 */
export type AgentEndpoint = { url: string; secret?: string | null; certificate?: string | null };

const LOOPBACK_HOST = /^(127(\.\d{1,3}){3}|localhost|\[::1\])$/i;

/**
 * How a request reaches this agent, the one rule for every server→agent call: plain HTTP only to
 * loopback (the agent is on this host), else TLS pinned to the agent's registered certificate
 * (lib/agents/pinned-tls.ts, loaded only then: an agent process never needs it).
 */
async function transportOf(agent: AgentEndpoint) {
  const url = new URL(agent.url);
  if (url.protocol === "http:" && LOOPBACK_HOST.test(url.hostname)) return undefined;
  if (url.protocol !== "https:") throw new AgentUnreachableError(`agent at ${url.host} is refused: plain HTTP is for loopback agents only`);
  if (!agent.certificate) throw new AgentUnreachableError(`agent at ${url.host} is refused: it registered no certificate to pin`);
  return (await import("./pinned-tls")).pinned(agent.certificate);
}

/** Where a path of an agent's port is. */
function agentUrl(agent: AgentEndpoint, path: string): URL {
  return new URL(`${agent.url.replace(/\/+$/, "")}${path}`);
}

/** The secret the agent's port demands, on every server→agent request. */
function withSecret(agent: AgentEndpoint, headers: Record<string, string>): Record<string, string> {
  return agent.secret ? { ...headers, authorization: `Bearer ${agent.secret}` } : headers;
}

/**
 * A streamed or passed-through server→agent request: the agent's secret on it, redirects never
 * followed (an agent could point the server anywhere), and a timeout. Bodies are read with `readCapped`.
 */
export async function fetchAgent(agent: AgentEndpoint, path: string, init: RequestInit & { timeoutMs?: number } = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  for (const [name, value] of Object.entries(withSecret(agent, {}))) headers.set(name, value);
  const signal = init.timeoutMs ? AbortSignal.any([AbortSignal.timeout(init.timeoutMs), ...(init.signal ? [init.signal] : [])]) : init.signal;
  const transport = await transportOf(agent);
  // `dispatcher` is undici's own option of fetch (Node's fetch is undici), absent from the DOM's RequestInit.
  const pinnedInit = transport ? ({ dispatcher: transport.dispatcher } as RequestInit) : {};
  return fetch(agentUrl(agent, path), { ...init, ...pinnedInit, headers, signal, redirect: "manual" });
}

const tooLarge = (maxBytes: number) => new AgentUnreachableError(`the agent's answer is larger than ${maxBytes} bytes`);

/** The body of an agent's answer, or an error past `maxBytes`: an agent cannot make the server buffer without end. */
export async function readCapped(res: Response, maxBytes = AGENT_RESPONSE_MAX_BYTES): Promise<Uint8Array> {
  const declared = Number(res.headers.get("content-length") ?? 0);
  if (declared > maxBytes) {
    await res.body?.cancel();
    throw tooLarge(maxBytes);
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of res.body ?? []) {
    size += chunk.length;
    if (size > maxBytes) {
      await res.body?.cancel().catch(() => {});
      throw tooLarge(maxBytes);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** One request to an agent: its secret on it, its answer capped, redirects never followed. */
async function exchange(agent: AgentEndpoint, path: string, init: { method?: string; body?: string; headers?: Record<string, string> }, timeoutMs: number): Promise<PlainResponse> {
  const headers = withSecret(agent, { ...init.headers, ...(init.body === undefined ? {} : { "content-type": "application/json" }) });
  try {
    const transport = await transportOf(agent);
    return await plainRequest(agentUrl(agent, path), { ...init, headers, timeoutMs, maxBytes: AGENT_RESPONSE_MAX_BYTES, tooLarge, tls: transport?.options });
  } catch (e) {
    if (e instanceof AgentUnreachableError) throw e;
    throw new AgentUnreachableError(`agent at ${new URL(agent.url).host} is unreachable: ${e instanceof Error ? e.message : e}`);
  }
}

/** An agent's JSON answer, checked against `schema`; any other status is an error saying what the agent said. */
function answerOf<T extends z.ZodType>(res: PlainResponse, schema: T): z.infer<T> {
  let body: unknown;
  try {
    body = JSON.parse(res.body.toString("utf8"));
  } catch {
    body = undefined;
  }
  if (res.status < 200 || res.status > 299) {
    const detail = (body as { detail?: string; title?: string } | undefined)?.detail ?? (body as { title?: string })?.title ?? res.statusText;
    throw new AgentUnreachableError(`agent answered ${res.status}: ${detail}`, res.status, detail);
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new AgentUnreachableError("agent sent a response that is not AgentAPI");
  return parsed.data;
}

/** One JSON exchange with an agent. */
async function call<T extends z.ZodType>(agent: AgentEndpoint, path: string, schema: T, init: { method?: string; body?: string } = {}, timeoutMs = 5000): Promise<z.infer<T>> {
  return answerOf(await exchange(agent, path, init, timeoutMs), schema);
}

export function createAgentApiClient(agent: AgentEndpoint) {
  return {
    status: (timeoutMs?: number) => call(agent, "/status", statusResponse, {}, timeoutMs),
    messages: (timeoutMs?: number) => call(agent, "/messages", messagesResponse, {}, timeoutMs).then((r) => r.messages),
    /** The conversation and its ETag, or `"unchanged"` while it is still the version `etag` names. */
    messagesUnless: async (etag: string | undefined, timeoutMs = 5000): Promise<{ messages: AgentMessage[]; etag?: string } | "unchanged"> => {
      const res = await exchange(agent, "/messages", { headers: etag ? { "if-none-match": etag } : {} }, timeoutMs);
      if (etag && res.status === 304) return "unchanged";
      const { messages } = answerOf(res, messagesResponse);
      return { messages, etag: typeof res.headers.etag === "string" ? res.headers.etag : undefined };
    },
    toolCalls: (messageId: number, timeoutMs = 5000) => call(agent, `/tool-calls?message=${messageId}`, toolCallsResponse, {}, timeoutMs).then((r) => r.tool_calls),
    changes: (base: string, timeoutMs = 30_000) => call(agent, `/changes?base=${encodeURIComponent(base)}`, changesResponse, {}, timeoutMs),
    send: (content: string, type: "user" | "raw" = "user", timeoutMs?: number) =>
      call(agent, "/message", z.object({ ok: z.boolean() }), { method: "POST", body: JSON.stringify({ content, type }) }, timeoutMs),
  };
}

/** An agent's event stream never ends, so it is capped per line instead: a line longer than `maxChars` ends it. */
export function capLines(maxChars = 8 * 1024 * 1024): TransformStream<string, string> {
  let sinceNewline = 0;
  return new TransformStream({
    transform(chunk, controller) {
      const last = chunk.lastIndexOf("\n");
      sinceNewline = last === -1 ? sinceNewline + chunk.length : chunk.length - last - 1;
      if (sinceNewline > maxChars) controller.error(new AgentUnreachableError(`the agent sent an event line longer than ${maxChars} characters`));
      else controller.enqueue(chunk);
    },
  });
}
