import { withTask } from "@/lib/api/with-task";
import { json } from "@/lib/api/respond";
import { planPush, pushTask, withTaskLock } from "@/lib/tasks/push";

// POST /api/v2/tasks/{user}/{task}/push — commit what is left and push the task's branch to origin
export const POST = withTask({}, async ({ db, task }) => {
  const plan = await planPush(db, task);
  return json(await withTaskLock(db, task.id, () => pushTask(db, task, plan)));
});
