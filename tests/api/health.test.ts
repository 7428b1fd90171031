import { describe, expect, it } from "vitest";
import pkg from "../../package.json" with { type: "json" };
import { raw } from "../support/api";
import { expectError } from "../support/expect";
import { rawHttp } from "../support/http";

describe("health and build info", () => {
  it("GET /healthz is OK without a token", async () => {
    const res = await raw("GET", "/healthz");
    expect(res.status).toBe(200);
    expect(res.text).toBe("OK");
  });

  it("GET /api/v2/buildinfo gives the version without a token", async () => {
    const res = await raw("GET", "/api/v2/buildinfo");
    expect(res.status).toBe(200);
    expect(res.body.version).toBe(`v${pkg.version}`);
  });
});

describe("unknown API routes", () => {
  it("are a JSON 404 in the error shape, with or without a token, for every method", async () => {
    for (const method of ["GET", "POST", "PUT", "PATCH", "DELETE"]) {
      for (const path of ["/api/nope", "/api/v2/nope", "/api/v2/tasks/me/x/y/z", "/api/v3/tasks", "/api/experimental/nope"]) {
        const res = await raw(method, path);
        expectError(res, 404);
        expect(res.headers.get("content-type")).toContain("application/json");
      }
    }
  });

  it("HEAD and OPTIONS on an unknown route are not errors of ours", async () => {
    expect((await rawHttp("HEAD", "/api/v2/nope")).status).toBe(404);
    expect((await rawHttp("OPTIONS", "/api/v2/nope")).status).toBeLessThan(500);
  });

  it("a known route with a method it does not answer is a 4xx", async () => {
    for (const [method, path] of [
      ["PUT", "/api/v2/tasks"],
      ["POST", "/api/v2/tasks"],
      ["DELETE", "/api/v2/tasks/me"],
      ["GET", "/api/v2/users/login"],
      ["DELETE", "/api/v2/templates"],
    ]) {
      const res = await rawHttp(method, path);
      expect(res.status, `${method} ${path}`).toBe(405);
    }
  });
});
