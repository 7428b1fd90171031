import { describe, expect, it } from "vitest";
import { refusedRange, resolveAllowedAddress, RefusedAddressError } from "./address-policy";

describe("webhook address policy", () => {
  it.each([
    ["127.0.0.1", "loopback"],
    ["10.1.2.3", "private"],
    ["172.16.0.1", "private"],
    ["192.168.1.1", "private"],
    ["100.64.0.1", "carrierGradeNat"],
    ["169.254.169.254", "linkLocal"],
    ["0.0.0.0", "unspecified"],
    ["224.0.0.1", "multicast"],
    ["::1", "loopback"],
    ["::", "unspecified"],
    ["fe80::1", "linkLocal"],
    ["fc00::1", "uniqueLocal"],
    ["ff02::1", "multicast"],
    ["::ffff:127.0.0.1", "loopback"],
    ["::ffff:10.0.0.1", "private"],
    ["::ffff:169.254.169.254", "linkLocal"],
  ])("refuses %s (%s)", (address, range) => {
    expect(refusedRange(address)).toBe(range);
  });

  it.each(["93.184.216.34", "8.8.8.8", "2606:4700::1111", "::ffff:8.8.8.8"])("allows the public address %s", (address) => {
    expect(refusedRange(address)).toBeNull();
  });

  it("refuses names that resolve to loopback and the metadata service's name; allows them when private addresses are allowed", async () => {
    await expect(resolveAllowedAddress(new URL("http://localhost:9/x"), false)).rejects.toThrow(RefusedAddressError);
    await expect(resolveAllowedAddress(new URL("http://[::1]:9/x"), false)).rejects.toThrow(/loopback/);
    await expect(resolveAllowedAddress(new URL("http://metadata.google.internal/computeMetadata/v1/"), false)).rejects.toThrow(/metadata/);
    await expect(resolveAllowedAddress(new URL("http://127.0.0.1:9/x"), true)).resolves.toEqual({ address: "127.0.0.1", family: 4 });
    await expect(resolveAllowedAddress(new URL("https://93.184.216.34/x"), false)).resolves.toEqual({ address: "93.184.216.34", family: 4 });
  });
});
