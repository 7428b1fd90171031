/**
 * The dashboard's Content-Security-Policy. Scripts run only with this response's nonce (Next.js
 * puts it on its inline bootstrap and its script tags) or when such a script loads them
 * ('strict-dynamic': Next's chunks): an injected <script> or inline handler never runs, and there
 * is no 'unsafe-eval'. Styles may be inline (React sets style attributes); nothing is loaded from
 * other origins; no page may frame the dashboard.
 */
export function contentSecurityPolicy(nonce: string): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/**
 * API answers are data, never a document: nothing in them may load or run, nor be framed. Should
 * one still be shown as a page (an agent's answer passed through, say), `sandbox` gives it an
 * opaque origin with no scripts, and `form-action 'none'` keeps a form in it from posting anywhere
 * (a fake sign-in page on our origin must not be able to send a password off).
 */
export const API_CONTENT_SECURITY_POLICY = "default-src 'none'; form-action 'none'; frame-ancestors 'none'; sandbox";

/** On every response, pages, API and static files alike. */
export const COMMON_SECURITY_HEADERS = [
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "Referrer-Policy", value: "no-referrer" },
  { key: "X-Frame-Options", value: "DENY" },
];
