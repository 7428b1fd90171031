import { withTask } from "@/lib/api/with-task";
import { json } from "@/lib/api/respond";
import { pauseTask } from "@/lib/tasks/transitions";
import { toBuildResponse } from "@/lib/tasks/serialize";

// POST /api/v2/tasks/{user}/{task}/pause — stop the workspace (the conversation is kept)
export const POST = withTask({}, async ({ db, task, caller }) => {
  const build = await pauseTask(db, task, caller.id);
  return json({ workspace_build: toBuildResponse(build) }, 202);
});
