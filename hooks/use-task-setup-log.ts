"use client";

import { useQuery } from "@tanstack/react-query";
import type { TaskSetupLog } from "@/lib/sdk/client";
import { api } from "./api-client";
import type { LiveTask } from "./use-task";
import { taskKeys } from "./use-tasks";

/** How often the log is read again while a setup script may be running. */
const LIVE_MS = 1000;

/**
 * The newest run of the template's setup script (null when none ran). Read once per build, and
 * polled while a start is under way (the script may be writing, or about to start): the log is
 * written to the database as the script runs, not pushed.
 */
export function useTaskSetupLog(owner: string, taskRef: string, task: LiveTask | undefined) {
  const starting = task?.status === "pending" || task?.status === "initializing";
  return useQuery<TaskSetupLog | null>({
    // A new build (a resume, a retry) may have run it again.
    queryKey: [...taskKeys.setupLog(owner, taskRef), task?.workspace_build_number ?? 0],
    queryFn: async () => (await api.setupLog(owner, taskRef)).setup_log,
    enabled: !!task && !task.deleted,
    placeholderData: (previous) => previous,
    refetchInterval: (query) => (starting || query.state.data?.status === "running" ? LIVE_MS : false),
  });
}
