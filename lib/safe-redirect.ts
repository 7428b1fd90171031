const FALLBACK = "/tasks";

/**
 * Where to go after signing in: `target` resolved against the app's own origin, exactly as the
 * browser would resolve it, and only if it stays on that origin; anything else goes to /tasks.
 * (`/\t/evil.com` looks like a path, but the URL parser drops the tab and finds `//evil.com`.)
 */
export function safeRedirect(target: string | null | undefined, origin: string): string {
  if (!target) return FALLBACK;
  let url: URL;
  try {
    url = new URL(target, origin);
  } catch {
    return FALLBACK;
  }
  if (url.origin !== new URL(origin).origin) return FALLBACK;
  return `${url.pathname}${url.search}${url.hash}`;
}
