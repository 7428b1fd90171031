import { databaseHealth } from "../db/client";
import { isDatabaseUnreachable } from "../db/health";
import { logger } from "../logger";
import { ApiError } from "./errors";

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

/** The single place errors leave the API: Coder's `{message, detail?, validations?}`. */
export function respondWithError(error: unknown): Response {
  if (error instanceof ApiError) {
    const { detail, validations, headers } = error.extra;
    return json({ message: error.message, ...(detail ? { detail } : {}), ...(validations ? { validations } : {}) }, error.status, headers);
  }
  if (isDatabaseUnreachable(error)) {
    databaseHealth().observe(error);
    return json({ message: "The database is unavailable.", detail: "Taskyard cannot reach its database; try again shortly." }, 503, { "retry-after": "2" });
  }
  logger.error({ err: error }, "unhandled error in route handler");
  return json({ message: "An internal error occurred.", detail: "See the server log for details." }, 500);
}
