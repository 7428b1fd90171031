import type { NextRequest } from "next/server";
import { rejectUndecodablePath } from "./lib/api/path-guard";

// Runs before Next.js decodes route params, which it cannot do for a malformed %-escape.
export function proxy(req: NextRequest) {
  return rejectUndecodablePath(req.url) ?? undefined;
}

export const config = { matcher: "/api/:path*" };
