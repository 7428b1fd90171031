import type { Metadata } from "next";
import { preload } from "react-dom";
import { api } from "@/hooks/api-client";
import { env } from "@/lib/env";
import { TaskView } from "@/components/tasks/task-view";

export const metadata: Metadata = { title: "Task · Taskyard" };

const decode = (s: string) => {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
};

// `[task]` is a task id or a task name owned by `[owner]`.
export default async function TaskPage({ params }: { params: Promise<{ owner: string; task: string }> }) {
  const { owner, task } = await params;
  // `me` is one of the page's two requests (the other, the log stream, cannot be preloaded).
  preload(api.mePath(), { as: "fetch", crossOrigin: "anonymous" });
  return <TaskView owner={decode(owner)} task={decode(task)} maxPromptBytes={env().TASKYARD_MAX_PROMPT_BYTES} />;
}
