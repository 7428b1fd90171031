import "server-only";
import { AgentUnreachableError, createAgentApiClient, fetchAgent, readCapped, type AgentEndpoint } from "../agents/agentapi-client";
import { readRawInput } from "../agents/raw-input";
import { UPLOAD_MAX_BYTES } from "../agent/agentapi-server";
import type { TaskRow } from "../db/queries/tasks";
import { readBody } from "../api/body";
import { ApiError } from "../api/errors";
import { env } from "../env";
import { agentOf } from "./agent-endpoint";
import { db } from "../db/client";
import { startAgentTurn } from "../db/queries/model-calls";
import { acquireStreamSlot, onStreamEnd } from "./stream-slots";

/**
 * What an agent may answer: JSON (AgentAPI's errors are `application/problem+json`), or for the
 * event stream, server-sent events. Nothing a browser would render as a page.
 */
const JSON_TYPES = ["application/json", "application/problem+json"];
const EVENT_STREAM_TYPES = ["text/event-stream"];

/** The AgentAPI endpoints users may reach through the server, their methods and what they answer. */
const ENDPOINTS: Record<string, { method: "GET" | "POST"; maxBody?: number; answers: string[] }> = {
  status: { method: "GET", answers: JSON_TYPES },
  messages: { method: "GET", answers: JSON_TYPES },
  events: { method: "GET", answers: EVENT_STREAM_TYPES },
  message: { method: "POST", maxBody: 1024 * 1024, answers: JSON_TYPES }, // and its content no longer than a prompt (below)
  upload: { method: "POST", maxBody: UPLOAD_MAX_BYTES + 64 * 1024, answers: JSON_TYPES },
};

/**
 * `…/tasks/{user}/{task}/agentapi/{endpoint}`: the task's agent's own AgentAPI, byte for byte, for
 * AgentAPI clients (agentapi's chat UI, scripts written for Coder workspaces). The user's token
 * gets them here; the agent's secret, which they never see, gets the server into the agent. Only
 * the endpoint's own content type comes back (see `ENDPOINTS`), under the API's CSP (next.config.ts).
 */
export async function proxyToAgent(task: TaskRow, endpoint: string, req: Request, callerId: string): Promise<Response> {
  const spec = Object.hasOwn(ENDPOINTS, endpoint) ? ENDPOINTS[endpoint] : undefined;
  if (!spec) throw ApiError.notFound();
  if (req.method !== spec.method) throw new ApiError(405, `Use ${spec.method} for the agent's /${endpoint}.`);
  if (task.status !== "active") {
    throw ApiError.conflict(`The task's agent is not running: the task is ${task.status}.`, task.status === "paused" ? "Resume the task first." : undefined);
  }
  const agent = agentOf(task);
  const contentType = req.headers.get("content-type");
  const body = spec.maxBody ? await readBody(req, spec.maxBody) : undefined;
  if (endpoint === "message" && body) {
    const message = messageOf(body);
    assertContentFitsPrompt(message);
    // An input the server delivers: the agent's next turn, on a fresh clock (lib/gateway budgets). A Stop or a lone key is none.
    if (task.agent_id && (await startsTurn(message, agent))) await startAgentTurn(db, task.agent_id);
  }
  const streaming = endpoint === "events";
  // A followed agent's events count among the caller's live streams, like the task's own log stream.
  const release = streaming ? await acquireStreamSlot(db, callerId) : async () => {};
  let res: Response;
  try {
    res = await fetchAgent(agent, `/${endpoint}`, {
      method: spec.method,
      headers: contentType && body ? { "content-type": contentType } : {},
      body: body as BodyInit | undefined,
      signal: req.signal,
      timeoutMs: streaming ? undefined : 30_000,
    });
  } catch (e) {
    void release();
    throw new ApiError(502, "Failed to reach the task's agent.", { detail: e instanceof Error ? e.message : String(e) });
  }
  if (res.status >= 300 && res.status < 400) {
    void release();
    await res.body?.cancel();
    throw new ApiError(502, "The task's agent answered with a redirect, which the server does not follow.");
  }
  const type = mediaType(res.headers.get("content-type"));
  if (!type || !spec.answers.includes(type)) {
    void release();
    await res.body?.cancel().catch(() => {});
    // An agent is untrusted: a page it served from our origin could pass for ours (a fake sign-in).
    throw new ApiError(502, "The task's agent answered with a content type the server does not pass on.", {
      detail: `/${endpoint} must answer ${spec.answers.join(" or ")}, not ${JSON.stringify(type ?? "nothing").slice(0, 100)}.`,
    });
  }
  // Our own spelling of the type, never the agent's bytes (no parameters it might smuggle in).
  const headers = new Headers({ "content-type": type });
  if (streaming) {
    headers.set("cache-control", "no-cache, no-transform");
    headers.set("x-accel-buffering", "no");
    if (!res.body) void release();
    return new Response(res.body && onStreamEnd(res.body, release, req.signal), { status: res.status, headers });
  }
  try {
    return new Response((await readCapped(res)) as BodyInit, { status: res.status, headers });
  } catch (e) {
    if (e instanceof AgentUnreachableError) throw new ApiError(502, "The task's agent answered too much.", { detail: e.message });
    throw e;
  }
}

/** `type/subtype` of a Content-Type, lower-cased and without parameters; undefined if missing. */
function mediaType(contentType: string | null): string | undefined {
  const type = contentType?.split(";")[0].trim().toLowerCase();
  return type || undefined;
}

type PostedMessage = { content?: unknown; type?: unknown } | undefined;

/** The posted `{content, type}`, if the body is JSON at all (what it is not, the agent answers, as AgentAPI does). */
function messageOf(body: Uint8Array): PostedMessage {
  try {
    const parsed = JSON.parse(new TextDecoder().decode(body)) as unknown;
    return parsed && typeof parsed === "object" ? (parsed as PostedMessage) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Does this message become a user turn? `user` messages do (the agent refuses them unless it is
 * stable); `raw` ones only when they carry text and the agent is waiting for input: ESC
 * interrupts and control keys do nothing (lib/agents/raw-input.ts, as the agent reads them).
 */
async function startsTurn(message: PostedMessage, agent: AgentEndpoint): Promise<boolean> {
  if (message?.type === "user") return true;
  if (message?.type !== "raw" || typeof message.content !== "string" || readRawInput(message.content).kind !== "text") return false;
  const status = await createAgentApiClient(agent).status().catch(() => undefined);
  return status?.status === "stable";
}

/**
 * A message through the pass-through is follow-up input like `…/send`: its `content` has the same
 * TASKYARD_MAX_PROMPT_BYTES limit, answered the same way. Anything else about the body (not JSON,
 * no content, a wrong type) is the agent's to answer, as AgentAPI does.
 */
function assertContentFitsPrompt(message: PostedMessage) {
  const content = message?.content;
  const max = env().TASKYARD_MAX_PROMPT_BYTES;
  if (typeof content === "string" && Buffer.byteLength(content, "utf8") > max) {
    throw ApiError.invalidField("content", `must be at most ${max} bytes`);
  }
}
