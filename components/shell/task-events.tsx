"use client";

import { useTaskEvents } from "@/hooks/use-task-events";

/** Keeps every list and task on the page fresh from the server's change events (renders nothing). */
export function TaskEvents() {
  useTaskEvents();
  return null;
}
