"use client";

import { useTaskNotifications } from "@/hooks/use-task-notifications";

/** Browser notifications for my tasks, while the user has them on (renders nothing). */
export function TaskNotifications() {
  useTaskNotifications();
  return null;
}
