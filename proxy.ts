import { NextResponse, type NextRequest } from "next/server";
import { rejectUndecodablePath } from "./lib/api/path-guard";
import { contentSecurityPolicy } from "./lib/security-headers";

/**
 * Pages: a fresh nonce per request in a strict Content-Security-Policy (Next.js reads it from the
 * request's header and puts it on its own inline scripts). API paths with a `%` (and only those:
 * see `config`): a %-escape that is not valid UTF-8 is answered here, before Next.js tries to
 * decode route params (it cannot, and would 500).
 */
export function proxy(req: NextRequest) {
  const { pathname } = req.nextUrl;
  if (pathname.startsWith("/api/")) {
    const undecodable = rejectUndecodablePath(req.url);
    if (undecodable) return undecodable;
    if (hasBody(req)) {
      // Only an odd %-escaped path brings a body here (see `config`), and Next.js holds such a
      // body in memory until this returns: no name in the API needs escaping, so refuse it.
      return Response.json({ message: "Percent-encoded path segments are not accepted with a request body." }, { status: 400 });
    }
    return NextResponse.next();
  }
  // The dashboard's pages take no posts (no server actions); only GET and HEAD render one.
  if (req.method !== "GET" && req.method !== "HEAD") return new Response(null, { status: 405, headers: { allow: "GET, HEAD" } });
  const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64");
  const policy = contentSecurityPolicy(nonce);
  const headers = new Headers(req.headers);
  headers.set("content-security-policy", policy);
  const res = NextResponse.next({ request: { headers } });
  res.headers.set("content-security-policy", policy);
  return res;
}

function hasBody(req: NextRequest): boolean {
  return req.headers.has("transfer-encoding") || Number(req.headers.get("content-length") ?? "0") > 0;
}

/**
 * API paths come here only when they hold a `%`: nothing else in the API needs the proxy, and
 * running it costs every call (it ran on every API request until the bench showed its share).
 * For a request the proxy sees, Next.js also copies the body into memory and waits for all of it
 * before the route runs, whatever its size; other API requests skip it, and the route reads the
 * body itself, cutting it off at its limit while it streams in. An API path with a `%` needs the
 * check above, so it comes here whatever it carries (and a body is refused). (Next.js reads this
 * object without running the module: it must be written out literally.)
 */
export const config = {
  matcher: [
    { source: "/api/:path(.*%.*)" },
    // Every page (with or without a body: the 405 above), not static files or the health check.
    { source: "/((?!api/|_next/static|_next/image|icon/|favicon.ico|healthz).*)" },
  ],
};
