import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { plainRequest } from "./http-request";

let server: http.Server;
let base: string;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    if (req.url === "/echo") {
      let body = "";
      req.on("data", (c) => (body += c));
      req.on("end", () => res.writeHead(201, { "content-type": "application/json" }).end(JSON.stringify({ method: req.method, body, auth: req.headers.authorization })));
    } else if (req.url === "/big") {
      res.writeHead(200); // no content-length: the cap must hold while it streams in
      res.write("x".repeat(600));
      res.end("y".repeat(600));
    } else if (req.url === "/redirect") {
      res.writeHead(302, { location: "/echo" }).end();
    } else if (req.url === "/slow") {
      setTimeout(() => res.end("late"), 2000);
    }
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => server.close());

describe("plainRequest", () => {
  it("sends a method, headers and body and reads the whole answer", async () => {
    const res = await plainRequest(new URL(`${base}/echo`), { method: "POST", headers: { authorization: "Bearer s" }, body: "héllo", timeoutMs: 1000 });
    expect(res.status).toBe(201);
    expect(JSON.parse(res.body.toString())).toEqual({ method: "POST", body: "héllo", auth: "Bearer s" });
  });

  it("fails an answer past maxBytes with the caller's error, while it streams in", async () => {
    const request = plainRequest(new URL(`${base}/big`), { timeoutMs: 1000, maxBytes: 1000, tooLarge: (n) => new Error(`over ${n}`) });
    await expect(request).rejects.toThrow("over 1000");
    expect((await plainRequest(new URL(`${base}/big`), { timeoutMs: 1000, maxBytes: 1200 })).body.length).toBe(1200);
  });

  it("never follows a redirect", async () => {
    const res = await plainRequest(new URL(`${base}/redirect`), { timeoutMs: 1000 });
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe("/echo");
  });

  it("gives up after its timeout", async () => {
    const started = Date.now();
    await expect(plainRequest(new URL(`${base}/slow`), { timeoutMs: 200 })).rejects.toThrow("GET /slow timed out after 0.2 s");
    expect(Date.now() - started).toBeLessThan(1500);
  });
});
