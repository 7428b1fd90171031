import { describe, expect, it } from "vitest";
import { raw } from "../support/api";

describe("GET /api/v2/openapi.json", () => {
  it("serves the OpenAPI 3.1 document without authentication", async () => {
    const res = await raw("GET", "/api/v2/openapi.json");
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe("3.1.0");
    expect(Object.keys(res.body.paths)).toContain("/api/v2/tasks/{user}/{task}/send");
  });
});
