"use client";

import { lazy, Suspense } from "react";
import { useNotificationsOn } from "@/hooks/use-notification-opt-in";

// The watcher's code loads only in browsers where notifications are on: every dashboard page
// carries this layout, and most never need it (keeps first-load JS small).
const Watcher = lazy(() => import("./task-notifications-watcher"));

/** Browser notifications for my tasks, while the user has them on (renders nothing). */
export function TaskNotifications() {
  const on = useNotificationsOn();
  return on ? (
    <Suspense fallback={null}>
      <Watcher />
    </Suspense>
  ) : null;
}
