import ipaddr from "ipaddr.js";
import dns from "node:dns/promises";
import net from "node:net";

/**
 * Where a webhook may go. A user chooses the URL and the server makes the request, so without this
 * anyone with an account could reach what only the server can: its own loopback services, the
 * private network, a cloud's metadata endpoint. Only globally routable unicast addresses pass
 * (ipaddr.js's `unicast` range), unless the owner allows private ones
 * (`TASKYARD_WEBHOOK_ALLOW_PRIVATE=1`, for receivers on the same network). Checked when an endpoint
 * is saved and again at each delivery, on the very address the request then connects to
 * (lib/webhooks/send.ts), so a name that resolves differently later (DNS rebinding) gains nothing.
 */

/** Names that are metadata services whatever they resolve to. */
const REFUSED_NAMES = new Set(["metadata.google.internal", "metadata.goog", "metadata"]);

export class RefusedAddressError extends Error {}

/** Why an address may not be reached (e.g. "loopback"), or null when it may. */
export function refusedRange(address: string): string | null {
  if (!ipaddr.isValid(address)) return "not an IP address";
  let parsed = ipaddr.parse(address);
  // ::ffff:127.0.0.1 is 127.0.0.1.
  if (parsed instanceof ipaddr.IPv6 && parsed.isIPv4MappedAddress()) parsed = parsed.toIPv4Address();
  const range = parsed.range();
  return range === "unicast" ? null : range;
}

export type ResolvedAddress = { address: string; family: 4 | 6 };

const bare = (hostname: string) => hostname.replace(/^\[|\]$/g, "").toLowerCase().replace(/\.$/, "");

/**
 * The address a URL's host is reached at, after checking every address it resolves to (a name
 * with one private address among public ones is refused: the connection could pick it). Throws
 * `RefusedAddressError` for a refused one; DNS errors are thrown as they are.
 */
export async function resolveAllowedAddress(url: URL, allowPrivate: boolean): Promise<ResolvedAddress> {
  const host = bare(url.hostname);
  if (!allowPrivate && REFUSED_NAMES.has(host)) throw new RefusedAddressError(`${host} is a metadata service`);
  const family = net.isIP(host);
  const addresses: ResolvedAddress[] = family ? [{ address: host, family: family as 4 | 6 }] : ((await dns.lookup(host, { all: true, verbatim: true })) as ResolvedAddress[]);
  if (addresses.length === 0) throw new Error(`${host} has no address`);
  if (!allowPrivate) {
    for (const { address } of addresses) {
      const range = refusedRange(address);
      if (range) throw new RefusedAddressError(`${host} resolves to ${address} (${range}); only public addresses are allowed unless the owner sets TASKYARD_WEBHOOK_ALLOW_PRIVATE=1`);
    }
  }
  return addresses[0];
}
