import { ApiError } from "./errors";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** The host this request was addressed to, as the browser saw it (a reverse proxy passes it on). */
function ownHost(req: Request): string | null {
  return req.headers.get("x-forwarded-host") ?? req.headers.get("host");
}

function fromOwnOrigin(origin: string, req: Request): boolean {
  const host = ownHost(req);
  return !!host && URL.canParse(origin) && new URL(origin).host === host;
}

/**
 * The same-origin rule for every request that changes state, the public routes (first user, sign-in)
 * included: a browser always says where a request comes from (`Origin`, `Sec-Fetch-Site`), and
 * one from another site is refused, so no other page can sign a browser in, create the owner or
 * act with its cookie. Clients that are not browsers (the CLI, curl, Coder's clients, agents) send
 * neither header and are unaffected.
 */
export function assertSameOrigin(req: Request) {
  if (SAFE_METHODS.has(req.method)) return;
  const site = req.headers.get("sec-fetch-site");
  // The browser's own word (no page can set it), right even behind a proxy that rewrites Host.
  if (site === "same-origin") return;
  if (site === "cross-site" || site === "same-site") throw ApiError.forbidden("Cross-origin requests are not allowed.");
  const origin = req.headers.get("origin");
  if (origin !== null && !fromOwnOrigin(origin, req)) throw ApiError.forbidden("Cross-origin requests are not allowed.");
}

/** Cookies ride along by themselves: a state change by cookie must also show that it comes from our own origin. */
export function assertCookieSameOrigin(req: Request) {
  if (SAFE_METHODS.has(req.method)) return;
  const site = req.headers.get("sec-fetch-site");
  if (site === "same-origin" || site === "none") return;
  const origin = req.headers.get("origin");
  if (origin && fromOwnOrigin(origin, req)) return;
  throw ApiError.forbidden("Cross-origin requests with a session cookie are not allowed.");
}
