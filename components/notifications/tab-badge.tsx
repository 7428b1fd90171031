"use client";

import { useEffect } from "react";
import { MY_WAITING_TASKS_QUERY, titleWithCount } from "@/lib/notifications/tab-title";
import { useTaskCount } from "@/hooks/use-tasks";
import { drawBadgedFavicon, FAVICON, setFavicon } from "./favicon-badge";

/**
 * The count of my tasks waiting for input, on the tab itself: in front of the title ("(2) Tasks ·
 * Taskyard") and as a badge on the favicon, so a tab in the background says when I am needed. The
 * count is the list's own "Waiting for input" query, kept fresh by the event stream (no polling).
 * Pages set their titles themselves, so the count is put back in front whenever the title changes.
 */
export function TabBadge() {
  const count = useTaskCount(MY_WAITING_TASKS_QUERY, { onceListening: true }).data ?? 0;

  useEffect(() => {
    const apply = () => {
      const wanted = titleWithCount(document.title, count);
      if (document.title !== wanted) document.title = wanted;
    };
    apply();
    const observer = new MutationObserver(apply);
    observer.observe(document.head, { subtree: true, childList: true, characterData: true });
    return () => {
      observer.disconnect();
      document.title = titleWithCount(document.title, 0);
    };
  }, [count]);

  useEffect(() => {
    setFavicon(count > 0 ? drawBadgedFavicon(count) : FAVICON);
  }, [count]);
  useEffect(() => () => setFavicon(FAVICON), []);

  return null;
}
