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
  if (peer && !isLoopbackAddress(peer)) return peer;
  const forwarded = req.headers
    .get("x-forwarded-for")
    ?.split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  return forwarded?.at(-1) ?? peer ?? "unknown";
}
