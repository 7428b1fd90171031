import { execFileSync } from "node:child_process";
import fs from "node:fs";
import https from "node:https";
import path from "node:path";
import { Readable } from "node:stream";

/**
 * `fetch` for a test talking to a server whose certificate only `ca` vouches for (the test's own,
 * made with openssl): node:https with that CA, answered as a web Response (streams included, so
 * server-sent events work). The test process trusts nothing else it would not trust anyway.
 */
export function fetchTrusting(ca: string): typeof fetch {
  return (input, init = {}) =>
    new Promise((resolve, reject) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      const headers = Object.fromEntries(new Headers(init.headers).entries());
      const req = https.request(url, { method: init.method ?? "GET", headers, ca, signal: init.signal ?? undefined }, (res) => {
        const answer = new Headers();
        for (const [name, value] of Object.entries(res.headers)) if (value !== undefined) answer.set(name, Array.isArray(value) ? value.join(", ") : value);
        const empty = res.statusCode === 204 || res.statusCode === 304 || init.method === "HEAD";
        resolve(new Response(empty ? null : (Readable.toWeb(res) as ReadableStream), { status: res.statusCode, statusText: res.statusMessage, headers: answer }));
      });
      req.on("error", reject);
      if (init.body !== undefined && init.body !== null) req.write(typeof init.body === "string" ? init.body : Buffer.from(init.body as ArrayBuffer));
      req.end();
    });
}

/** A throwaway self-signed certificate (and key) for these IP addresses, valid a day: the server's, in a test. */
export function selfSignedCertificate(dir: string, addresses: string[]): { certFile: string; keyFile: string; cert: string } {
  const certFile = path.join(dir, "server.crt");
  const keyFile = path.join(dir, "server.key");
  execFileSync("openssl", [
    "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1",
    "-keyout", keyFile, "-out", certFile, "-subj", "/CN=taskyard-test-server",
    "-addext", `subjectAltName=${addresses.map((a) => `IP:${a}`).join(",")}`,
  ], { stdio: "ignore" });
  return { certFile, keyFile, cert: fs.readFileSync(certFile, "utf8") };
}
