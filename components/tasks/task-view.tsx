"use client";

import { ArrowLeft } from "lucide-react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { lazy, Suspense, useEffect, useId, useState } from "react";
import { TaskyardError } from "@/lib/sdk/client";
import { useTask } from "@/hooks/use-task";
import { useTaskLogStream } from "@/hooks/use-task-log-stream";
import { useTaskLogs } from "@/hooks/use-task-logs";
import { useTaskSetupLog } from "@/hooks/use-task-setup-log";
import { observeTask } from "@/hooks/use-task-stages";
import { ErrorState } from "@/components/ui/error-state";
import { Skeleton } from "@/components/ui/skeleton";
import { Tabs, tabId } from "@/components/ui/tabs";
import { TaskActions } from "./task-actions";
import { TaskHeader } from "./task-header";
import { TaskLogPanel } from "./task-log-panel";
import { TaskPrompt } from "./task-prompt";
import { TaskRepository } from "./task-repository";
import { TaskRetry } from "./task-retry";
import { canEditRepository } from "./task-status";
import { TaskSendInput } from "./task-send-input";
import { TaskSetupLog } from "./task-setup-log";
import { TaskTimeline } from "./task-timeline";

// Only tasks with a repository have a Changes tab; its code (and the diff viewer's) loads with it.
const loadChanges = () => import("./task-changes-panel");
const TaskChangesPanel = lazy(() => loadChanges().then((m) => ({ default: m.TaskChangesPanel })));

type View = "conversation" | "changes";

/**
 * `/tasks/[owner]/[task]`. Two requests render it: `me` (for the header) and the live stream,
 * which carries the task, its changes and its logs (live or snapshot). The task and its logs are
 * only fetched directly when the stream is closed.
 */
export function TaskView({ owner, task: taskRef, maxPromptBytes }: { owner: string; task: string; maxPromptBytes: number }) {
  const router = useRouter();
  const [streaming, setStreaming] = useState(true);
  const query = useTask(owner, taskRef, { streaming });
  const task = query.data;
  const stream = useTaskLogStream(owner, taskRef, task?.status, { enabled: !task?.deleted && !(query.error instanceof TaskyardError) });
  if ((stream !== "closed") !== streaming) setStreaming(stream !== "closed");
  const logsAvailable = !!task && task.status !== "error" && task.status !== "unknown";
  const logs = useTaskLogs(owner, taskRef, { fetch: stream === "closed" && logsAvailable });
  const setup = useTaskSetupLog(owner, taskRef, task).data;
  const [view, setView] = useState<View>("conversation");
  // Opened once, the Changes panel stays mounted (hidden) so folded files stay folded.
  const [changesOpened, setChangesOpened] = useState(false);
  const tabsId = useId();
  const hasRepository = !!task?.repository && !task.deleted;
  const shown: View = hasRepository ? view : "conversation";
  const panelId = (v: View) => `${tabsId}-${v}-panel`;

  useEffect(() => {
    if (task && !task.deleted) observeTask(task);
  }, [task]);
  useEffect(() => {
    if (hasRepository) void loadChanges();
  }, [hasRepository]);
  useEffect(() => {
    if (task) document.title = `${task.display_name || task.name} · Taskyard`;
  }, [task]);

  if (!task) {
    if (query.error) {
      const missing = query.error instanceof TaskyardError && query.error.status === 404;
      return (
        <div className="flex flex-col gap-4">
          <BackLink />
          <ErrorState
            title={missing ? "Task not found" : "Couldn’t load this task"}
            error={query.error}
            onRetry={missing ? undefined : () => void query.refetch()}
            retrying={query.isFetching}
          />
        </div>
      );
    }
    return <TaskViewSkeleton />;
  }

  if (task.deleted) {
    return (
      <div className="flex flex-col gap-4">
        <BackLink />
        <div role="status" className="rounded-xl border border-dashed border-zinc-300 px-6 py-12 text-center dark:border-zinc-700">
          <h1 className="font-medium">“{task.display_name || task.name}” was deleted</h1>
          <p className="mt-1 text-sm text-zinc-500 dark:text-zinc-400">Its workspace and conversation are gone.</p>
        </div>
      </div>
    );
  }

  return (
    <div className="flex flex-col gap-5">
      <TaskHeader task={task} actions={<TaskActions task={task} onDeleted={() => router.push("/tasks")} />} />
      <div className="grid gap-5 lg:grid-cols-[minmax(0,1fr)_17rem]">
        <div className="flex min-w-0 flex-col gap-4">
          {canEditRepository(task) ? (
            // Keyed by the failed build: a retry that fails again starts the form from what was saved.
            <TaskRetry key={task.workspace_build_number} task={task} owner={owner} taskRef={taskRef} maxPromptBytes={maxPromptBytes} />
          ) : (
            <TaskPrompt task={task} owner={owner} taskRef={taskRef} />
          )}
          {setup && <TaskSetupLog key={setup.build_id} log={setup} />}
          {hasRepository ? (
            <div className="flex min-w-0 flex-col gap-3">
              <Tabs
                label="Task views"
                idPrefix={tabsId}
                tabs={[
                  { value: "conversation", label: "Conversation" },
                  { value: "changes", label: "Changes", count: task.repository?.changed_files, neutral: true },
                ]}
                value={shown}
                onChange={(v) => {
                  setView(v);
                  if (v === "changes") setChangesOpened(true);
                }}
                panelId={panelId}
              />
              <div id={panelId("conversation")} role="tabpanel" aria-labelledby={tabId(tabsId, "conversation")} hidden={shown !== "conversation"}>
                {shown === "conversation" && <TaskLogPanel task={task} logs={logs.data} stream={stream} />}
              </div>
              <div id={panelId("changes")} role="tabpanel" aria-labelledby={tabId(tabsId, "changes")} hidden={shown !== "changes"}>
                {changesOpened && (
                  <Suspense fallback={<Skeleton className="h-72 w-full rounded-xl" />}>
                    <TaskChangesPanel task={task} owner={owner} taskRef={taskRef} active={shown === "changes"} />
                  </Suspense>
                )}
              </div>
            </div>
          ) : (
            <TaskLogPanel task={task} logs={logs.data} stream={stream} />
          )}
          <TaskSendInput task={task} owner={owner} taskRef={taskRef} streaming={stream !== "closed"} />
        </div>
        <aside className="flex flex-col gap-4" aria-label="Task details">
          <TaskTimeline task={task} setup={setup} />
          {task.repository && <TaskRepository repository={task.repository} />}
        </aside>
      </div>
    </div>
  );
}

function BackLink() {
  return (
    <Link href="/tasks" className="inline-flex w-fit items-center gap-1 rounded text-sm text-zinc-500 hover:text-zinc-800 dark:text-zinc-400 dark:hover:text-zinc-200">
      <ArrowLeft aria-hidden className="size-4" />
      All tasks
    </Link>
  );
}

function TaskViewSkeleton() {
  return (
    <div aria-busy="true" aria-label="Loading task" role="status" className="flex flex-col gap-5">
      <Skeleton className="h-4 w-20" />
      <div className="flex items-center gap-3">
        <Skeleton className="size-10 rounded-md" />
        <div className="flex flex-1 flex-col gap-2">
          <Skeleton className="h-5 w-1/3" />
          <Skeleton className="h-3 w-1/4" />
        </div>
      </div>
      <Skeleton className="h-24 w-full rounded-xl" />
      <Skeleton className="h-72 w-full rounded-xl" />
    </div>
  );
}
