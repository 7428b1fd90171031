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
  const own = new URL(origin).origin;
  if (url.origin !== own) return FALLBACK;
  // Resolving can leave a path that starts with `//` ("/.//evil.com" → "//evil.com"), which the
  // router would read as another host: what we return must itself resolve to our origin.
  const path = `${url.pathname}${url.search}${url.hash}`;
  return new URL(path, own).origin === own ? path : FALLBACK;
}
