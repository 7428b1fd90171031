import { withTask } from "@/lib/api/with-task";
import { noContent } from "@/lib/api/respond";
import { interruptTask } from "@/lib/tasks/interrupt";

// POST /api/v2/tasks/{user}/{task}/interrupt — stop the agent's running turn; the workspace keeps running
export const POST = withTask({}, async ({ task }) => {
  await interruptTask(task);
  return noContent();
});
