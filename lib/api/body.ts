import type { z } from "zod";
import { ApiError } from "./errors";

export const MAX_BODY_BYTES = 1024 * 1024;

/** Reads a JSON body with a size cap and validates it; every failure is a 400 in the API's shape. */
export async function parseJsonBody<T extends z.ZodType>(req: Request, schema: T, maxBytes = MAX_BODY_BYTES): Promise<z.infer<T>> {
  const declared = Number(req.headers.get("content-length") ?? "0");
  if (declared > maxBytes) throw tooLarge(maxBytes);
  const buffer = await req.arrayBuffer().catch(() => {
    throw ApiError.badRequest("Could not read the request body.");
  });
  if (buffer.byteLength > maxBytes) throw tooLarge(maxBytes);
  let data: unknown;
  try {
    const text = new TextDecoder("utf-8", { fatal: true }).decode(buffer);
    data = text.trim() === "" ? undefined : JSON.parse(text);
  } catch (e) {
    throw ApiError.badRequest("Request body must be valid JSON.", [{ field: "body", detail: "malformed JSON" }], e instanceof Error ? e.message : undefined);
  }
  if (data === undefined) throw ApiError.badRequest("Request body is required.", [{ field: "body", detail: "empty body" }]);
  const result = schema.safeParse(data);
  if (!result.success) throw ApiError.fromZod(result.error);
  return result.data;
}

function tooLarge(maxBytes: number) {
  return ApiError.badRequest("Request body is too large.", [{ field: "body", detail: `must be at most ${maxBytes} bytes` }]);
}
