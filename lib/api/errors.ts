import type { z } from "zod";

export type Validation = { field: string; detail: string };

export const NOT_FOUND_MESSAGE = "Resource not found or you do not have access to this resource";

/** The one error type route handlers throw; `respondWithError` turns it into Coder's error shape. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly extra: { detail?: string; validations?: Validation[]; headers?: Record<string, string> } = {},
  ) {
    super(message);
    this.name = "ApiError";
  }

  static badRequest(message: string, validations?: Validation[], detail?: string) {
    return new ApiError(400, message, { validations, detail });
  }

  static invalidField(field: string, detail: string, message = "Invalid request.") {
    return new ApiError(400, message, { validations: [{ field, detail }] });
  }

  static unauthorized(message = "You must be authenticated to use this endpoint.", detail?: string) {
    return new ApiError(401, message, { detail });
  }

  static forbidden(message = "You do not have permission to do that.") {
    return new ApiError(403, message);
  }

  static notFound() {
    return new ApiError(404, NOT_FOUND_MESSAGE);
  }

  static conflict(message: string, detail?: string) {
    return new ApiError(409, message, { detail });
  }

  static unsupportedMediaType(expected: string) {
    return new ApiError(415, `Content-Type must be ${expected}.`);
  }

  /**
   * The rest of the body is never read: the connection cannot carry another request after it,
   * so the answer says it closes (a client would otherwise send its next request into the void).
   */
  static tooLarge(maxBytes: number) {
    return new ApiError(413, "Request body is too large.", {
      validations: [{ field: "body", detail: `must be at most ${maxBytes} bytes` }],
      headers: { connection: "close" },
    });
  }

  /** 429 with `Retry-After`: a limit the caller hit, and when trying again makes sense. */
  static tooManyRequests(message: string, retryAfterSeconds?: number, detail?: string) {
    return new ApiError(429, message, { detail, headers: retryAfterSeconds ? { "retry-after": String(Math.max(1, Math.ceil(retryAfterSeconds))) } : undefined });
  }

  static busy(message = "The server is busy; try again in a moment.") {
    return new ApiError(503, message, { headers: { "retry-after": "1" } });
  }

  static fromZod(error: z.ZodError, message = "Validation failed.") {
    return ApiError.badRequest(
      message,
      error.issues.map((issue) => ({
        field: issue.path.length ? issue.path.join(".") : "body",
        detail: issue.message,
      })),
    );
  }
}
