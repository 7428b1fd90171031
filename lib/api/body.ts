import type { z } from "zod";
import { ApiError } from "./errors";

export const MAX_BODY_BYTES = 1024 * 1024;

/** `application/json`, or a `+json` type, with or without parameters (`; charset=utf-8`). */
export function isJsonContentType(header: string | null): boolean {
  const type = (header ?? "").split(";")[0].trim().toLowerCase();
  return type === "application/json" || /^application\/[a-z0-9.+-]+\+json$/.test(type);
}

/**
 * Reads a JSON body with a size cap and validates it. Anything but a JSON content type is a 415
 * before a byte is read: a browser form or a `text/plain` fetch from another site can then never
 * pass for an API call.
 */
export async function parseJsonBody<T extends z.ZodType>(req: Request, schema: T, maxBytes = MAX_BODY_BYTES): Promise<z.infer<T>> {
  if (!isJsonContentType(req.headers.get("content-type"))) throw ApiError.unsupportedMediaType("application/json");
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

/**
 * A JSON body the caller may leave out (Coder's clients post some routes with none): no body is
 * `{}`; one that is there is read as `parseJsonBody` reads it.
 */
export async function parseOptionalJsonBody<T extends z.ZodType>(req: Request, schema: T, maxBytes = MAX_BODY_BYTES): Promise<z.infer<T>> {
  const length = req.headers.get("content-length");
  if (!req.body || length === "0" || (length === null && !req.headers.get("transfer-encoding"))) return schema.parse({});
  if (!isJsonContentType(req.headers.get("content-type"))) throw ApiError.unsupportedMediaType("application/json");
  const buffer = await readBody(req, maxBytes);
  if (!buffer.length) return schema.parse({});
  let data: unknown;
  try {
    data = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(buffer));
  } catch (e) {
    throw ApiError.badRequest("Request body must be valid JSON.", [{ field: "body", detail: "malformed JSON" }], e instanceof Error ? e.message : undefined);
  }
  const result = schema.safeParse(data);
  if (!result.success) throw ApiError.fromZod(result.error);
  return result.data;
}

/**
 * The raw body, read as it streams in and cut off (413) past `maxBytes`: a chunked body declares
 * no length, and is never held whole before it is known to fit. (proxy.ts keeps Next.js from
 * buffering bodies ahead of us.)
 */
export async function readBody(req: Request, maxBytes = MAX_BODY_BYTES): Promise<Uint8Array> {
  const declared = Number(req.headers.get("content-length") ?? "0");
  if (declared > maxBytes) throw ApiError.tooLarge(maxBytes);
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for await (const chunk of req.body ?? []) {
      size += chunk.length;
      if (size > maxBytes) {
        await req.body?.cancel().catch(() => {});
        throw ApiError.tooLarge(maxBytes);
      }
      chunks.push(chunk);
    }
  } catch (e) {
    if (e instanceof ApiError) throw e;
    throw ApiError.badRequest("Could not read the request body.");
  }
  return Buffer.concat(chunks);
}
