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

/** API answers are data, never a document: nothing in them may load or run, nor be framed. */
export const API_CONTENT_SECURITY_POLICY = "default-src 'none'; frame-ancestors 'none'";

/** On every response, pages, API and static files alike. */
export const COMMON_SECURITY_HEADERS = [
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "Referrer-Policy", value: "no-referrer" },
  { key: "X-Frame-Options", value: "DENY" },
];
