import { ApiError } from "./errors";

/**
 * Next.js decodes dynamic route segments itself and answers a plain-text 500 when one is not
 * valid percent-encoding (`%E0%A4%A`, `%ff`), before any handler of ours runs. Answer those paths
 * with a 400 in the API's error shape instead.
 */
export function rejectUndecodablePath(url: string): Response | null {
  const { pathname } = new URL(url);
  try {
    for (const segment of pathname.split("/")) decodeURIComponent(segment);
    return null;
  } catch {
    const error = ApiError.badRequest("The request path is not valid percent-encoded UTF-8.");
    return Response.json({ message: error.message }, { status: error.status });
  }
}
