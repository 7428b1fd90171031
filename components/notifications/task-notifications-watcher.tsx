"use client";

import { useTaskNotifications } from "@/hooks/use-task-notifications";

/** Loaded on demand by TaskNotifications (renders nothing). */
export default function TaskNotificationsWatcher() {
  useTaskNotifications();
  return null;
}
