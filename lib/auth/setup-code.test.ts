import { describe, expect, it } from "vitest";
import { generateSetupCode, isLoopbackOnly } from "./setup-code";

describe("isLoopbackOnly", () => {
  it("is true only for binds no other machine can reach", () => {
    for (const host of ["127.0.0.1", "127.0.0.2", "localhost", "LOCALHOST", "::1", "[::1]", "app.localhost"]) expect(isLoopbackOnly(host), host).toBe(true);
    for (const host of [undefined, "", "0.0.0.0", "::", "[::]", "192.168.1.10", "10.0.0.1", "example.com", "fe80::1", "127.0.0.1.nip.io"]) {
      expect(isLoopbackOnly(host), String(host)).toBe(false);
    }
  });
});

describe("generateSetupCode", () => {
  it("is URL-safe and different every time", () => {
    const codes = new Set(Array.from({ length: 50 }, generateSetupCode));
    expect(codes.size).toBe(50);
    for (const code of codes) expect(code).toMatch(/^[A-Za-z0-9_-]{24}$/);
  });
});
