import { databaseHealth } from "../db/client";
import { isDatabaseUnreachable } from "../db/health";
import { logger } from "../logger";
import { STATUS_CODES } from "node:http";
import { ApiError, type Validation } from "./errors";

export function json(body: unknown, status = 200, headers?: HeadersInit): Response {
  return Response.json(body, { status, headers });
}

/** A 200 whose JSON is already text (made once, answered many times). */
export function jsonText(body: string): Response {
  return new Response(body, { headers: { "content-type": "application/json" } });
}

export function noContent(status = 204): Response {
  return new Response(null, { status });
}

type ErrorAnswer = { status: number; message: string; detail?: string; validations?: Validation[]; headers?: Record<string, string> };

/** What an error tells the caller, whatever shape it then takes; unknown errors are logged and told as a generic 500. */
function answerFor(error: unknown): ErrorAnswer {
  if (error instanceof ApiError) {
    const { detail, validations, headers } = error.extra;
    return { status: error.status, message: error.message, detail, validations, headers };
  }
  if (isDatabaseUnreachable(error)) {
    databaseHealth().observe(error);
    return { status: 503, message: "The database is unavailable.", detail: "Taskyard cannot reach its database; try again shortly.", headers: { "retry-after": "2" } };
  }
  logger.error({ err: error }, "unhandled error in route handler");
  return { status: 500, message: "An internal error occurred.", detail: "See the server log for details." };
}

/** The single place errors leave the API: Coder's `{message, detail?, validations?}`. */
export function respondWithError(error: unknown): Response {
  const { status, message, detail, validations, headers } = answerFor(error);
  return json({ message, ...(detail ? { detail } : {}), ...(validations ? { validations } : {}) }, status, headers);
}

/**
 * The same errors as AgentAPI answers them (`/agentapi/*`, where its clients are): RFC 7807
 * `application/problem+json` `{title, status, detail}` as its huma server writes it, the whole
 * reason in `detail` (what AgentAPI's chat shows), invalid fields also in huma's `errors`.
 */
export function respondWithProblem(error: unknown): Response {
  const { status, message, detail, validations, headers } = answerFor(error);
  const reasons = [message, detail, ...(validations ?? []).map((v) => `${v.field}: ${v.detail}`)].filter(Boolean);
  const body = {
    title: STATUS_CODES[status] ?? "Error",
    status,
    detail: reasons.map((r) => (/[.!?]$/.test(r!) ? r : `${r}.`)).join(" "),
    ...(validations ? { errors: validations.map((v) => ({ message: v.detail, location: v.field === "body" ? "body" : `body.${v.field}` })) } : {}),
  };
  return new Response(JSON.stringify(body), { status, headers: { ...headers, "content-type": "application/problem+json" } });
}
