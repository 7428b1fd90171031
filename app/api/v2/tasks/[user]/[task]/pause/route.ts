import { withTask } from "@/lib/api/with-task";
import { parseOptionalJsonBody } from "@/lib/api/body";
import { json } from "@/lib/api/respond";
import { pauseTask } from "@/lib/tasks/transitions";
import { toBuildResponse } from "@/lib/tasks/serialize";
import { pauseTaskRequest } from "@/lib/validation/tasks";

// POST /api/v2/tasks/{user}/{task}/pause — stop the workspace (the conversation is kept); `{"force": true}` or `?force=true` interrupts a working agent first
export const POST = withTask({}, async ({ db, task, caller, req }) => {
  const body = await parseOptionalJsonBody(req, pauseTaskRequest);
  const force = body.force ?? new URL(req.url).searchParams.get("force") === "true";
  const build = await pauseTask(db, task, caller.id, { force });
  return json({ workspace_build: toBuildResponse(build) }, 202);
});
