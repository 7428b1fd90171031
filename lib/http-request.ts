import http from "node:http";
import type https from "node:https";

export type PlainResponse = { status: number; statusText: string; headers: http.IncomingHttpHeaders; body: Buffer };

export type PlainRequest = {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** The whole exchange, connection to last byte. */
  timeoutMs: number;
  /** The most of an answer that is read; a longer one fails with `tooLarge`. */
  maxBytes?: number;
  tooLarge?: (maxBytes: number) => Error;
  /** For an https peer: whom to trust (a CA, or an agent's pinned certificate); the system's CAs without it. */
  tls?: Pick<https.RequestOptions, "ca" | "checkServerIdentity">;
};

/**
 * One request and its whole answer over node:http(s), not `fetch`: for a short JSON exchange
 * fetch's web streams (and, inside Next.js, its fetch instrumentation) cost several times the
 * request itself, and in an agent loading fetch's client (undici) costs ~15 MB of memory. Redirects
 * are never followed.
 */
export async function plainRequest(url: URL, options: PlainRequest): Promise<PlainResponse> {
  const { method = "GET", body, timeoutMs, maxBytes = Infinity } = options;
  const headers = body === undefined ? (options.headers ?? {}) : { ...options.headers, "content-length": String(Buffer.byteLength(body)) };
  // TLS only for a peer behind https: agents and servers mostly talk over loopback.
  const transport = url.protocol === "https:" ? await import("node:https") : http;
  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      reject(error);
    };
    const req = transport.request(url, { method, headers, ...(url.protocol === "https:" ? options.tls : {}) }, (res) => {
      const tooLarge = () => fail(options.tooLarge?.(maxBytes) ?? new Error(`the answer is larger than ${maxBytes} bytes`));
      if (Number(res.headers["content-length"] ?? 0) > maxBytes) return tooLarge();
      const chunks: Buffer[] = [];
      let size = 0;
      res.on("data", (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBytes) return tooLarge();
        chunks.push(chunk);
      });
      res.on("end", () => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, statusText: res.statusMessage ?? "", headers: res.headers, body: Buffer.concat(chunks) });
      });
      res.on("error", fail);
    });
    const timer = setTimeout(() => fail(new Error(`${method} ${url.pathname} timed out after ${timeoutMs / 1000} s`)), timeoutMs);
    req.on("error", fail);
    req.end(body);
  });
}
