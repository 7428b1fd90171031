import type { z } from "zod";
import { ApiError } from "./errors";

export const MAX_BODY_BYTES = 1024 * 1024;

/** Reads a JSON body with a size cap and validates it; every failure is a 400 in the API's shape. */
export async function parseJsonBody<T extends z.ZodType>(req: Request, schema: T, maxBytes = MAX_BODY_BYTES): Promise<z.infer<T>> {
  const buffer = await readBody(req, maxBytes);
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

/** The raw body, read as it streams in and cut off past `maxBytes` (a chunked body declares no length). */
export async function readBody(req: Request, maxBytes = MAX_BODY_BYTES): Promise<Uint8Array> {
  const declared = Number(req.headers.get("content-length") ?? "0");
  if (declared > maxBytes) throw tooLarge(maxBytes);
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for await (const chunk of req.body ?? []) {
      size += chunk.length;
      if (size > maxBytes) {
        await req.body?.cancel().catch(() => {});
        throw tooLarge(maxBytes);
      }
      chunks.push(chunk);
    }
  } catch (e) {
    if (e instanceof ApiError) throw e;
    throw ApiError.badRequest("Could not read the request body.");
  }
  return Buffer.concat(chunks);
}

function tooLarge(maxBytes: number) {
  return ApiError.badRequest("Request body is too large.", [{ field: "body", detail: `must be at most ${maxBytes} bytes` }]);
}
