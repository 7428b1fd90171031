"use client";

import { QueryCache, QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { useState } from "react";
import { TaskyardError } from "@/lib/sdk/client";

/** Client errors (4xx) are answers, not hiccups: retrying them only delays the message. */
function shouldRetry(failureCount: number, error: unknown) {
  if (error instanceof TaskyardError && error.status < 500) return false;
  return failureCount < 2;
}

export function Providers({ children }: { children: React.ReactNode }) {
  const [client] = useState(() => {
    const qc: QueryClient = new QueryClient({
      // A session that ends mid-use shows up as a 401 anywhere; re-checking `me` lets the
      // dashboard's gate send the user to sign in.
      queryCache: new QueryCache({
        onError: (error, query) => {
          if (error instanceof TaskyardError && error.status === 401 && query.queryKey[0] !== "me") {
            void qc.invalidateQueries({ queryKey: ["me"] });
          }
        },
      }),
      defaultOptions: {
        queries: { retry: shouldRetry, refetchOnWindowFocus: true, staleTime: 1000 },
        mutations: { retry: false },
      },
    });
    return qc;
  });
  return <QueryClientProvider client={client}>{children}</QueryClientProvider>;
}
