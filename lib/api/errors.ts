import type { z } from "zod";

export type Validation = { field: string; detail: string };

export const NOT_FOUND_MESSAGE = "Resource not found or you do not have access to this resource";

/** The one error type route handlers throw; `respondWithError` turns it into Coder's error shape. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly extra: { detail?: string; validations?: Validation[] } = {},
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
