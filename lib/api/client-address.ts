import ipaddr from "ipaddr.js";
import { isIP } from "node:net";

/** 127.0.0.0/8, ::1 and their IPv4-mapped forms. */
export function isLoopbackAddress(address: string): boolean {
  const a = address.replace(/^::ffff:/i, "");
  return a === "::1" || (isIP(a) === 4 && a.startsWith("127."));
}

/**
 * Who sent a request, for per-client limits: the socket's address (`x-taskyard-peer`, which
 * bin/peer-address.mjs sets and no client can). Only when that is this machine itself, a reverse
 * proxy here may speak for the client: the last X-Forwarded-For entry is the address it saw.
 */
export function clientAddress(req: Request): string {
  const peer = req.headers.get("x-taskyard-peer") || undefined;
  if (peer && !isLoopbackAddress(peer)) return asClient(peer);
  const forwarded = req.headers
    .get("x-forwarded-for")
    ?.split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const address = forwarded?.at(-1) ?? peer;
  return address ? asClient(address) : "unknown";
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
