import { describe, expect, it } from "vitest";
import { addressRanges, type AddressRange } from "../env";
import { clientAddress } from "./client-address";

const req = (headers: Record<string, string>) => new Request("http://localhost/", { headers });
const ranges = (value: string): AddressRange[] => addressRanges.parse(value);
const NONE: AddressRange[] = [];

describe("clientAddress", () => {
  it("is the socket's address, whatever X-Forwarded-For a client claims", () => {
    expect(clientAddress(req({ "x-taskyard-peer": "203.0.113.7", "x-forwarded-for": "10.9.9.9" }), NONE)).toBe("203.0.113.7");
    expect(clientAddress(req({ "x-taskyard-peer": "::ffff:203.0.113.7" }), NONE)).toBe("203.0.113.7");
  });

  it("from loopback too, unless loopback is a trusted proxy: every agent's sandbox shares this machine's loopback", () => {
    for (const peer of ["127.0.0.1", "::1", "::ffff:127.0.0.1"]) {
      const spoofed = req({ "x-taskyard-peer": peer, "x-forwarded-for": "198.51.100.4" });
      expect(clientAddress(spoofed, NONE)).not.toBe("198.51.100.4");
      expect(clientAddress(spoofed, ranges("10.0.0.0/8"))).not.toBe("198.51.100.4");
    }
    expect(clientAddress(req({ "x-taskyard-peer": "127.0.0.1", "x-forwarded-for": "198.51.100.4" }), NONE)).toBe("127.0.0.1");
  });

  it("is an IPv6 client's /64: one subscriber holds a whole /64 and could use a new address for every attempt", () => {
    const a = clientAddress(req({ "x-taskyard-peer": "2001:db8:1:2:aaaa::1" }), NONE);
    expect(a).toBe("2001:db8:1:2::/64");
    expect(clientAddress(req({ "x-taskyard-peer": "2001:db8:1:2:ffff:ffff:ffff:fffe" }), NONE)).toBe(a);
    expect(clientAddress(req({ "x-taskyard-peer": "2001:db8:1:3::1" }), NONE)).not.toBe(a);
    expect(clientAddress(req({ "x-taskyard-peer": "127.0.0.1", "x-forwarded-for": "2001:db8:1:2::9" }), ranges("127.0.0.1"))).toBe(a);
  });

  it("behind a trusted reverse proxy, is the last address the proxies did not add themselves", () => {
    const trusted = ranges("127.0.0.1, 10.0.0.0/8, fd00::/8");
    expect(clientAddress(req({ "x-taskyard-peer": "127.0.0.1", "x-forwarded-for": "10.0.0.1, 198.51.100.4" }), trusted)).toBe("198.51.100.4");
    // A chain of our proxies: the client is what the outermost one saw; what the client wrote itself is ignored.
    expect(clientAddress(req({ "x-taskyard-peer": "10.1.1.1", "x-forwarded-for": "6.6.6.6, 198.51.100.4, 10.2.2.2" }), trusted)).toBe("198.51.100.4");
    expect(clientAddress(req({ "x-taskyard-peer": "::ffff:127.0.0.1", "x-forwarded-for": "198.51.100.4" }), trusted)).toBe("198.51.100.4");
    expect(clientAddress(req({ "x-taskyard-peer": "fd00::5", "x-forwarded-for": "198.51.100.4" }), trusted)).toBe("198.51.100.4");
    // Nothing forwarded: the proxy itself.
    expect(clientAddress(req({ "x-taskyard-peer": "127.0.0.1" }), trusted)).toBe("127.0.0.1");
    // Only the named proxy: another loopback address is not it.
    expect(clientAddress(req({ "x-taskyard-peer": "127.0.0.2", "x-forwarded-for": "198.51.100.4" }), trusted)).toBe("127.0.0.2");
  });

  it("without the peer header (a web server the launcher did not start), trusts no header at all", () => {
    expect(clientAddress(req({ "x-forwarded-for": "198.51.100.4" }), ranges("127.0.0.1"))).toBe("unknown");
    expect(clientAddress(req({}), NONE)).toBe("unknown");
  });
});

describe("TASKYARD_TRUSTED_PROXIES", () => {
  it("takes addresses and CIDR ranges, IPv4 and IPv6, and none by default", () => {
    expect(addressRanges.parse(undefined)).toEqual([]);
    expect(addressRanges.parse("")).toEqual([]);
    expect(ranges(" 127.0.0.1 ,10.0.0.0/8,::1, fd00::/8").map(([a, bits]) => `${a.toString()}/${bits}`)).toEqual(["127.0.0.1/32", "10.0.0.0/8", "::1/128", "fd00::/8"]);
    expect(ranges("::ffff:10.0.0.0/104").map(([a, bits]) => `${a.toString()}/${bits}`)).toEqual(["10.0.0.0/8"]);
  });

  it("refuses anything else, naming the entry", () => {
    for (const bad of ["localhost", "127.1", "0x7f.0.0.1", "10.0.0.0/33", "::1/129", "10.0.0.0/8/8", "10.0.0.0/x", "*"]) {
      const parsed = addressRanges.safeParse(bad);
      expect(parsed.success, bad).toBe(false);
      expect(parsed.error?.issues[0].message, bad).toContain(`"${bad}"`);
    }
  });
});
