"use client";

import { usePathname, useSearchParams } from "next/navigation";
import { useCallback, useMemo } from "react";
import { filtersToSearch, parseTaskFilters, type TaskFilters } from "@/hooks/task-query";

/** The list's filters live in the URL, so a view can be bookmarked. */
export function useTaskFilters() {
  const params = useSearchParams();
  const pathname = usePathname();
  const filters = useMemo(() => parseTaskFilters(params), [params]);

  const setFilters = useCallback(
    (change: Partial<TaskFilters>) => {
      const qs = filtersToSearch({ ...filters, ...change });
      // The History API keeps Next's router (and useSearchParams) in sync without a server round trip.
      window.history.replaceState(null, "", qs ? `${pathname}?${qs}` : pathname);
    },
    [filters, pathname],
  );

  return { filters, setFilters };
}
