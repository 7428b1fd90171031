import { describe, expect, it } from "vitest";
import { raw } from "../support/api";
import { rawHttp } from "../support/http";

const API_CSP = "default-src 'none'; form-action 'none'; frame-ancestors 'none'; sandbox";
const directives = (csp: string) => new Map(csp.split(";").map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name, values]));

describe("security headers", () => {
  it("a page has a strict CSP with a fresh nonce on every script it serves, no 'unsafe-eval', and may not be framed", async () => {
    const seen = new Set<string>();
    for (const path of ["/login", "/setup", "/tasks", "/tasks/someone/some-task"]) {
      const res = await rawHttp("GET", path);
      expect(res.status, path).toBe(200);
      const csp = String(res.headers["content-security-policy"]);
      const d = directives(csp);
      const nonce = /'nonce-([A-Za-z0-9+/=]+)'/.exec(csp)?.[1];
      expect(nonce, csp).toBeDefined();
      expect(seen.has(nonce!)).toBe(false);
      seen.add(nonce!);
      expect(d.get("script-src")).toEqual(["'self'", `'nonce-${nonce}'`, "'strict-dynamic'"]);
      expect(csp).not.toContain("unsafe-eval");
      expect(d.get("frame-ancestors")).toEqual(["'none'"]);
      expect(d.get("object-src")).toEqual(["'none'"]);
      expect(d.get("base-uri")).toEqual(["'none'"]);
      expect(d.get("default-src")).toEqual(["'self'"]);
      // A form injected into a page could only post back to Taskyard.
      expect(d.get("form-action")).toEqual(["'self'"]);
      // Next.js's inline bootstrap and its script tags all carry this response's nonce.
      const scripts = [...res.text.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
      expect(scripts.length).toBeGreaterThan(2);
      for (const tag of scripts) expect(tag, path).toContain(`nonce="${nonce}"`);
      expect(res.headers["x-content-type-options"]).toBe("nosniff");
      expect(res.headers["referrer-policy"]).toBe("no-referrer");
      expect(res.headers["x-frame-options"]).toBe("DENY");
    }
  });

  it("every API answer, success or error, says nothing in it may load, run, post a form or be framed, and is never sniffed", async () => {
    const answers = [
      ["GET", "/api/v2/buildinfo", 200],
      ["GET", "/api/v2/users/me", 401],
      ["GET", "/api/nope", 404],
      ["GET", "/api/v2/tasks?q=nonsense:1", 401],
      ["POST", "/api/v2/users/login", 400],
      ["GET", "/healthz", 200],
    ] as const;
    for (const [method, path, status] of answers) {
      const res = await raw(method, path, method === "POST" ? { body: { email: 1 } } : {});
      expect(res.status, path).toBe(status);
      expect(res.headers.get("content-security-policy"), path).toBe(API_CSP);
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect(res.headers.get("referrer-policy")).toBe("no-referrer");
    }
    // Answered by proxy.ts before any route runs.
    const undecodable = await rawHttp("GET", "/api/v2/tasks/%ff");
    expect(undecodable.status).toBe(400);
    expect(undecodable.headers["content-security-policy"]).toBe(API_CSP);
    const withBody = await rawHttp("POST", "/api/v2/tasks/a%20b", { headers: { "content-type": "application/json" }, body: "{}" });
    expect(withBody.status).toBe(400);
    expect(withBody.headers["content-security-policy"]).toBe(API_CSP);
  });

  it("static files are never sniffed either", async () => {
    const res = await raw("GET", "/icon/echo.svg");
    expect(res.status).toBe(200);
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
  });

  it("a page takes no posts: anything but GET or HEAD is a 405", async () => {
    for (const method of ["POST", "PUT"]) expect((await rawHttp(method, "/tasks", { body: "x=1" })).status, method).toBe(405);
    expect((await rawHttp("DELETE", "/tasks")).status).toBe(405);
  });
});
