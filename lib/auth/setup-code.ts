import { randomBytes, timingSafeEqual } from "node:crypto";
import { isIP } from "node:net";
import { ApiError } from "../api/errors";
import { env } from "../env";

/**
 * Whether a server bound to `host` (HOSTNAME; unset means every interface) can only be reached
 * from this machine. Only then may whoever gets to /setup first become the owner without a code.
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

/** First-run setup on a server others can reach needs the code the launcher printed (and gave the web server). */
export function assertSetupCode(given: string | undefined) {
  const expected = env().TASKYARD_SETUP_CODE;
  if (!expected) return;
  const a = Buffer.from(given ?? "");
  const b = Buffer.from(expected);
  if (a.length === b.length && timingSafeEqual(a, b)) return;
  throw ApiError.forbidden(
    given
      ? "That setup code is not right: use the /setup?code=… address `npm start` printed."
      : "This server can be reached from other machines, so creating the first account needs the setup code: open the /setup?code=… address `npm start` printed.",
  );
}
