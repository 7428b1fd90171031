import { randomBytes, timingSafeEqual } from "node:crypto";
import { isIP } from "node:net";
import { ApiError } from "../api/errors";
import { env } from "../env";

/**
 * Whether a server bound to `host` (HOSTNAME; unset means every interface) can only be reached
 * from this machine (also: whether a request's host name is a loopback one).
 */
export function isLoopbackOnly(host: string | undefined): boolean {
  if (!host) return false;
  const h = host.replace(/^\[(.*)\]$/, "$1").toLowerCase();
  if (h === "localhost" || h.endsWith(".localhost")) return true;
  if (h === "::1") return true;
  return isIP(h) === 4 && h.startsWith("127.");
}

export function generateSetupCode(): string {
  return randomBytes(18).toString("base64url");
}

/**
 * A request addressed to this machine by a loopback name. `Host` is the one header a page cannot
 * set: a page that has rebound its own name to 127.0.0.1 (DNS rebinding) still sends that name.
 */
function addressedAsLoopback(req: Request): boolean {
  const host = req.headers.get("host");
  if (!host || !URL.canParse(`http://${host}`)) return false;
  return isLoopbackOnly(new URL(`http://${host}`).hostname);
}

/**
 * Creating the first account needs the code the launcher printed (and gave the web server) while
 * no user exists — except on a loopback-only bind when the browser came by a loopback name: then
 * whoever asks is on this machine. Anything else (a server others can reach, a reverse proxy,
 * a rebinding page) must show the code.
 */
export function assertSetupCode(given: string | undefined, req: Request) {
  const { TASKYARD_SETUP_CODE: expected, HOSTNAME } = env();
  if (!expected) return;
  if (isLoopbackOnly(HOSTNAME) && addressedAsLoopback(req)) return;
  const a = Buffer.from(given ?? "");
  const b = Buffer.from(expected);
  if (a.length === b.length && timingSafeEqual(a, b)) return;
  throw ApiError.forbidden(
    given
      ? "That setup code is not right: use the /setup?code=… address `npm start` printed."
      : "Creating the first account from another machine or by another name needs the setup code: open the /setup?code=… address `npm start` printed.",
  );
}
