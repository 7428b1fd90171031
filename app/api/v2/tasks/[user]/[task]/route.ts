import { withTask } from "@/lib/api/with-task";
import { json, noContent } from "@/lib/api/respond";
import { deleteTask } from "@/lib/tasks/delete-task";
import { refreshPullRequests } from "@/lib/tasks/pull-request";
import { toTaskResponse } from "@/lib/tasks/serialize";

// GET /api/v2/tasks/{user}/{task} — one task, by id or name
export const GET = withTask({}, async ({ db, task }) => {
  refreshPullRequests(db, [task]);
  return json(toTaskResponse(task));
});

// DELETE /api/v2/tasks/{user}/{task} — soft-delete the task and delete its workspace
export const DELETE = withTask({}, async ({ db, task, caller }) => {
  await deleteTask(db, task, caller.id);
  return noContent(202);
});
