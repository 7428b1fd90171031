/**
 * What a logged error may say. A failed query's error carries the values it was run with —
 * prompts, emails, password hashes, token hashes — in several places: drizzle's message
 * (`Failed query: … params: …`) and `params`, postgres.js's `parameters` and `args`, PostgreSQL's
 * `detail` ("Key (email)=(…) already exists", "Failing row contains (…)") and the value a message
 * quotes at its end (`invalid input syntax for type uuid: "…"`). The SQL text itself has only
 * placeholders and is kept, as are the error's code, constraint, table and column: enough to
 * find the cause, never the data.
 */

const VALUE_KEYS = new Set(["params", "parameters", "args", "types", "detail", "where", "hint", "internal_query", "query_values"]);
const SECRET_KEY = /password|secret|token|authorization|cookie/i;
const MAX_DEPTH = 5;

/** The message without drizzle's parameter list or a value PostgreSQL quotes at its end. */
export function redactMessage(message: string): string {
  return message
    .replace(/\nparams: [\s\S]*$/, "\nparams: [redacted]")
    .replace(/(:\s*)"[^\n]*"$/, '$1"[redacted]"');
}

/** pino's `err` serializer, minus anything that could carry a query's values or a credential. */
export function redactError(err: unknown, depth = 0): unknown {
  if (err === null || typeof err !== "object") return typeof err === "string" ? redactMessage(err) : err;
  const source = err as Record<string, unknown> & { message?: unknown; stack?: unknown; cause?: unknown; name?: unknown };
  const message = typeof source.message === "string" ? source.message : "";
  const out: Record<string, unknown> = {
    type: (source.constructor as { name?: string } | undefined)?.name ?? "Object",
    message: redactMessage(message),
  };
  if (typeof source.stack === "string") {
    // The stack starts with the message: the same values again, unless replaced there too.
    out.stack = message ? source.stack.replace(message, redactMessage(message)) : source.stack;
    out.stack = String(out.stack).replace(/\nparams: [^\n]*/g, "\nparams: [redacted]");
  }
  for (const [key, value] of Object.entries(source)) {
    if (key === "message" || key === "stack" || key === "cause" || key === "query") continue;
    if (VALUE_KEYS.has(key) || SECRET_KEY.test(key)) continue;
    if (value === null || ["string", "number", "boolean"].includes(typeof value)) out[key] = value;
  }
  // drizzle's `query` is the SQL with placeholders: useful, and free of values.
  if (typeof source.query === "string") out.query = source.query;
  if (source.cause !== undefined && depth < MAX_DEPTH) out.cause = redactError(source.cause, depth + 1);
  return out;
}

/** For pino's `redact`: wherever a request, a body or a header may be logged, its credentials are not. */
export const REDACT_PATHS = [
  "password",
  "*.password",
  "token",
  "*.token",
  "session_token",
  "*.session_token",
  "key",
  "*.key",
  "setup_code",
  "*.setup_code",
  "headers.authorization",
  "headers.cookie",
  'headers["coder-session-token"]',
  "*.headers.authorization",
  "*.headers.cookie",
  '*.headers["coder-session-token"]',
];
