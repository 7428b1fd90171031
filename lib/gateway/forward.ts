import "server-only";
import { hashGatewayKey } from "../auth/tokens";
import type { Db } from "../db/client";
import { findGatewayCaller, setStoppedBy } from "../db/queries/model-calls";
import { limitMessage, reachedLimit, taskLimits } from "./budgets";
import { allowedModel } from "./models";
import { env } from "../env";
import { logger } from "../logger";
import { CallMeter, meteredStream } from "./meter";

/** What agents may ask of the model through the gateway: messages (metered), token counts and the model list. Nothing unmetered that costs. */
const ROUTES: { method: string; path: RegExp; metered: boolean }[] = [
  { method: "POST", path: /^v1\/messages$/, metered: true },
  { method: "POST", path: /^v1\/messages\/count_tokens$/, metered: false },
  { method: "GET", path: /^v1\/models(\/[\w.:-]+)?$/, metered: false },
];

/** Headers that describe one hop, or carry the caller's credentials: never forwarded either way. */
const HOP = new Set(["host", "connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade", "proxy-authorization", "proxy-connection", "content-length", "accept-encoding", "content-encoding", "cookie", "set-cookie", "x-api-key", "authorization", "x-forwarded-for", "x-forwarded-host", "x-forwarded-proto", "x-real-ip", "forwarded"]);

const MAX_REQUEST_BYTES = 32 * 1024 * 1024;

/** An error as the Messages API words one, so Claude Code and the SDKs show its message. */
function apiError(status: number, type: string, message: string): Response {
  return Response.json({ type: "error", error: { type, message } }, { status, headers: { "x-should-retry": "false" } });
}

function keyOf(req: Request): string | undefined {
  const key = req.headers.get("x-api-key") ?? req.headers.get("authorization")?.replace(/^Bearer\s+/i, "");
  return key?.trim() || undefined;
}

/**
 * The model gateway: an agent's call to the Messages API, authenticated by its own key (lib/auth
 * `gatewayKeyOf`), forwarded to the real ANTHROPIC_BASE_URL with the real key, which never leaves
 * the server. The answer streams back byte for byte as it arrives, metered on the way (lib/gateway/meter).
 * Prompts and keys are never logged.
 */
export async function forwardModelCall(db: Db, req: Request, path: string): Promise<Response> {
  try {
    return await forward(db, req, path);
  } catch (err) {
    // The database unreachable, say: an error the coding agent shows and retries.
    logger.error({ err: err instanceof Error ? err.message : String(err) }, "the model gateway failed");
    return Response.json({ type: "error", error: { type: "overloaded_error", message: "The Taskyard server cannot serve model calls right now." } }, { status: 503 });
  }
}

async function forward(db: Db, req: Request, path: string): Promise<Response> {
  const route = ROUTES.find((r) => r.method === req.method && r.path.test(path));
  if (!route) return apiError(404, "not_found_error", `The model gateway does not serve ${req.method} /${path}.`);
  const key = keyOf(req);
  const config = env();
  const withDailySpend = config.TASKYARD_USER_DAILY_MAX_COST_USD !== undefined || config.TASKYARD_USER_DAILY_MAX_TOKENS !== undefined;
  const caller = key ? await findGatewayCaller(db, hashGatewayKey(key), { withDailySpend }) : undefined;
  if (!caller?.usable) return apiError(401, "authentication_error", caller ? "This agent's model key no longer works: its task is paused, deleted or has a newer agent." : "Invalid model gateway key.");
  const limits = taskLimits(caller.parameters, caller.budget);
  const reached = reachedLimit(limits, caller);
  if (reached !== caller.stopped_by) await setStoppedBy(db, caller.task_id, reached);
  // Not retried by Claude Code (a 429 would be, for minutes): the turn ends with this message.
  if (reached) return apiError(403, "permission_error", limitMessage(reached, limits));
  const realKey = config.ANTHROPIC_API_KEY;
  if (!realKey) return apiError(503, "api_error", "The Taskyard server has no ANTHROPIC_API_KEY: ask its owner to set one.");

  const read = req.method === "POST" ? await readCapped(req) : undefined;
  if (read === null) return apiError(413, "request_too_large", `A model request may be at most ${MAX_REQUEST_BYTES / 1024 / 1024} MB.`);
  // The template's model policy: a call for a model it does not allow runs on the task's.
  const { body, model } = withAllowedModel(read, (requested) => allowedModel({ models: caller.models ?? undefined }, caller.parameters, requested));

  const headers = new Headers();
  req.headers.forEach((value, name) => {
    if (!HOP.has(name.toLowerCase())) headers.set(name, value);
  });
  headers.set("x-api-key", realKey);
  const upstreamUrl = `${(config.ANTHROPIC_BASE_URL || "https://api.anthropic.com").replace(/\/+$/, "")}/${path}${new URL(req.url).search}`;
  let upstream: Response;
  try {
    upstream = await fetch(upstreamUrl, { method: req.method, headers, body: body ? new Uint8Array(body) : undefined, redirect: "manual", signal: req.signal });
  } catch (err) {
    if (req.signal.aborted) return apiError(499, "api_error", "The caller went away.");
    logger.warn({ err: err instanceof Error ? err.message : String(err) }, "the model gateway could not reach the model provider");
    return apiError(502, "api_error", "The model provider could not be reached.");
  }
  const out = new Headers();
  upstream.headers.forEach((value, name) => {
    if (!HOP.has(name.toLowerCase())) out.set(name, value);
  });
  if (!route.metered || !upstream.ok || !upstream.body) return new Response(upstream.body, { status: upstream.status, headers: out });
  const meter = new CallMeter(db, { taskId: caller.task_id, agentId: caller.agent_id, turnId: caller.turn_id, model: model ?? "unknown" });
  const streamed = (upstream.headers.get("content-type") ?? "").startsWith("text/event-stream");
  return new Response(upstream.body.pipeThrough(meteredStream(meter, streamed)), { status: upstream.status, headers: out });
}

/** The request's body with its `model` replaced when the policy says so, and the model it will run on. Not JSON: passed on as it is (the provider answers 400). */
function withAllowedModel(body: Buffer | undefined, allowed: (requested: string | undefined) => string | undefined): { body: Buffer | undefined; model: string | undefined } {
  if (!body?.length) return { body, model: undefined };
  let parsed: { model?: unknown };
  try {
    parsed = JSON.parse(body.toString("utf8")) as { model?: unknown };
  } catch {
    return { body, model: undefined };
  }
  const requested = typeof parsed.model === "string" ? parsed.model : undefined;
  const model = allowed(requested);
  if (model === requested || !model) return { body, model: requested?.slice(0, 200) };
  return { body: Buffer.from(JSON.stringify({ ...parsed, model })), model };
}

/** The whole request body, or null past the cap. */
async function readCapped(req: Request): Promise<Buffer | null> {
  if (!req.body) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req.body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.length;
    if (size > MAX_REQUEST_BYTES) return null;
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks);
}
