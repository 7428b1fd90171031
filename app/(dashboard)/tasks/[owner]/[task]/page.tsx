import type { Metadata } from "next";
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
  return <TaskView owner={decode(owner)} task={decode(task)} />;
}
