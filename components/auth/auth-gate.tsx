"use client";

import { useRouter } from "next/navigation";
import { useEffect } from "react";
import { TaskyardError } from "@/lib/sdk/client";
import { useMe } from "@/hooks/use-session";

/**
 * Sends a signed-out visitor to /login (which sends them on to /setup if there is no user yet),
 * remembering where they were going. The page itself renders meanwhile: its own requests run in
 * parallel with this check instead of after it.
 */
export function AuthGate({ children }: { children: React.ReactNode }) {
  const me = useMe();
  const router = useRouter();
  const signedOut = me.error instanceof TaskyardError && me.error.status === 401;
  useEffect(() => {
    if (!signedOut) return;
    const here = window.location.pathname + window.location.search;
    router.replace(`/login?redirect=${encodeURIComponent(here)}`);
  }, [signedOut, router]);
  if (signedOut) return null;
  return children;
}
