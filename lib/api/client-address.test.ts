import { describe, expect, it } from "vitest";
import { clientAddress, isLoopbackAddress } from "./client-address";

const req = (headers: Record<string, string>) => new Request("http://localhost/", { headers });

describe("clientAddress", () => {
  it("is the socket's address, whatever X-Forwarded-For a remote client claims", () => {
    expect(clientAddress(req({ "x-taskyard-peer": "203.0.113.7", "x-forwarded-for": "10.9.9.9" }))).toBe("203.0.113.7");
    expect(clientAddress(req({ "x-taskyard-peer": "::ffff:203.0.113.7" }))).toBe("203.0.113.7");
  });

  it("is an IPv6 client's /64: one subscriber holds a whole /64 and could use a new address for every attempt", () => {
    const a = clientAddress(req({ "x-taskyard-peer": "2001:db8:1:2:aaaa::1" }));
    expect(a).toBe("2001:db8:1:2::/64");
    expect(clientAddress(req({ "x-taskyard-peer": "2001:db8:1:2:ffff:ffff:ffff:fffe" }))).toBe(a);
    expect(clientAddress(req({ "x-taskyard-peer": "2001:db8:1:3::1" }))).not.toBe(a);
    expect(clientAddress(req({ "x-taskyard-peer": "127.0.0.1", "x-forwarded-for": "2001:db8:1:2::9" }))).toBe(a);
  });

  it("behind a reverse proxy on this machine, is the last address the proxy forwarded", () => {
    expect(clientAddress(req({ "x-taskyard-peer": "127.0.0.1", "x-forwarded-for": "10.0.0.1, 198.51.100.4" }))).toBe("198.51.100.4");
    expect(clientAddress(req({ "x-taskyard-peer": "::1", "x-forwarded-for": "198.51.100.4" }))).toBe("198.51.100.4");
    expect(clientAddress(req({ "x-taskyard-peer": "127.0.0.1" }))).toBe("127.0.0.1");
  });

  it("without the peer header (not started by the launcher), falls back to X-Forwarded-For", () => {
    expect(clientAddress(req({ "x-forwarded-for": "198.51.100.4" }))).toBe("198.51.100.4");
    expect(clientAddress(req({}))).toBe("unknown");
  });

  it("knows loopback addresses", () => {
    for (const a of ["127.0.0.1", "127.1.2.3", "::1", "::ffff:127.0.0.1"]) expect(isLoopbackAddress(a)).toBe(true);
    for (const a of ["10.0.0.1", "0.0.0.0", "::", "fe80::1", "localhost", ""]) expect(isLoopbackAddress(a)).toBe(false);
  });
});
