import http from "node:http";
import { inject } from "vitest";

export type HttpResult = { status: number; text: string; body: any; headers: http.IncomingHttpHeaders };

/**
 * A request with the path sent byte for byte (fetch would normalise `..`, `%2e` and friends),
 * for probing how the server treats odd paths and headers.
 */
export function rawHttp(method: string, path: string, options: { headers?: Record<string, string>; body?: string | Buffer } = {}): Promise<HttpResult> {
  const base = new URL(inject("baseUrl"));
  return new Promise((resolve, reject) => {
    const req = http.request({ host: base.hostname, port: base.port, method, path, headers: options.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        let body: unknown;
        try {
          body = text ? JSON.parse(text) : undefined;
        } catch {
          body = undefined;
        }
        resolve({ status: res.statusCode ?? 0, text, body, headers: res.headers });
      });
    });
    req.on("error", reject);
    if (options.body !== undefined) req.write(options.body);
    req.end();
  });
}
