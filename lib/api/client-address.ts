import ipaddr from "ipaddr.js";
import { env, type AddressRange } from "../env";

/**
 * Who sent a request, for per-client limits: the socket's address (`x-taskyard-peer`, which
 * bin/peer-address.mjs sets and no client can). Only when that is a reverse proxy named in
 * TASKYARD_TRUSTED_PROXIES does X-Forwarded-For count: read from the right (each proxy appends the
 * address it saw), the first address that is not one of our proxies is the client. Being on
 * loopback earns no trust: every agent's sandbox is there too, and could name any address.
 * Without the peer header (a web server the launcher did not start) nobody can be told apart.
 */
export function clientAddress(req: Request, trusted: readonly AddressRange[] = env().TASKYARD_TRUSTED_PROXIES): string {
  const peer = req.headers.get("x-taskyard-peer") || undefined;
  if (!peer) return "unknown";
  const forwarded = (req.headers.get("x-forwarded-for") ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  let address = peer;
  while (forwarded.length && isTrusted(address, trusted)) address = forwarded.pop()!;
  return asClient(address);
}

function isTrusted(address: string, trusted: readonly AddressRange[]): boolean {
  if (!trusted.length || !ipaddr.isValid(address)) return false;
  const parsed = ipaddr.process(address);
  return trusted.some(([range, bits]) =>
    parsed instanceof ipaddr.IPv4 ? range instanceof ipaddr.IPv4 && parsed.match(range, bits) : range instanceof ipaddr.IPv6 && parsed.match(range, bits),
  );
}

/**
 * One client, one key: an IPv4 address (also when IPv4-mapped), or an IPv6 address's /64 — a
 * single subscriber is usually given a whole /64, and could otherwise take a new address for
 * every attempt.
 */
function asClient(address: string): string {
  if (!ipaddr.isValid(address)) return address;
  const parsed = ipaddr.process(address);
  if (parsed instanceof ipaddr.IPv4) return parsed.toString();
  return `${new ipaddr.IPv6([...parsed.parts.slice(0, 4), 0, 0, 0, 0]).toString()}/64`;
}
