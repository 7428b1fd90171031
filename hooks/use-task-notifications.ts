"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useEffect } from "react";
import { AttentionTracker, describeAttention, type Attention } from "@/lib/notifications/attention";
import type { Task } from "@/lib/sdk/client";
import { api } from "./api-client";
import { onTaskChanges } from "./task-changes";
import { PAGE_SIZE } from "./task-query";
import { useMe } from "./use-session";
import { taskKeys } from "./use-tasks";

/** The list's own default view ("my tasks", first page): at load it is usually in the cache already. */
const MY_TASKS_QUERY = "owner:me";

/**
 * A browser notification when one of the user's own tasks comes to need them (waits for input,
 * completes, fails) while the page is open; clicking it brings the tab forward on that task. Mounted
 * only while notifications are on (components/notifications/task-notifications.tsx).
 *
 * Driven by the dashboard's event stream, not by polling: each burst names the tasks that changed
 * and their owners, and only the user's own are read again (an admin's stream also names everyone
 * else's). What was already so when notifications started (the first page of the user's tasks) is
 * the baseline, so nothing is announced for a task that was waiting at load. When changes may have
 * been missed (the stream reopened) that page is read again and compared.
 */
export function useTaskNotifications() {
  const me = useMe().data;
  const qc = useQueryClient();
  const router = useRouter();
  const myId = me?.id;

  useEffect(() => {
    if (!myId) return;
    const tracker = new AttentionTracker();
    let stopped = false;

    const notify = (task: Task, attention: Attention) => {
      const { title, body } = describeAttention(task, attention);
      // One notification per task at a time: a newer one replaces the older.
      const notification = new Notification(title, { body, tag: `taskyard-task-${task.id}`, icon: "/favicon.svg" });
      notification.onclick = () => {
        window.focus();
        router.push(`/tasks/${encodeURIComponent(task.owner_name)}/${encodeURIComponent(task.name)}`);
        notification.close();
      };
    };
    const see = (task: Task) => {
      const attention = tracker.observe(task);
      if (attention && !stopped) notify(task, attention);
    };
    const myFirstPage = async () =>
      (
        await qc.fetchQuery({
          queryKey: taskKeys.list(MY_TASKS_QUERY, PAGE_SIZE),
          queryFn: () => api.tasks(MY_TASKS_QUERY, { limit: PAGE_SIZE }),
          staleTime: 2000,
        })
      ).tasks;

    // One step at a time, in the order the changes came: a later read never lands before an earlier one.
    let queue = myFirstPage()
      .then((tasks) => tracker.baseline(tasks))
      .catch(() => {});
    const unsubscribe = onTaskChanges(({ changed, missed }) => {
      const mine = changed.filter((c) => c.ownerId === myId);
      queue = queue
        .then(async () => {
          if (missed) (await myFirstPage()).forEach(see);
          const tasks = await Promise.all(mine.map((c) => api.task("me", c.id).catch(() => undefined)));
          tasks.forEach((task) => task && see(task));
        })
        .catch(() => {});
    });
    return () => {
      stopped = true;
      unsubscribe();
    };
  }, [myId, qc, router]);
}
