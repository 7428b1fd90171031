import { withTask } from "@/lib/api/with-task";
import { json } from "@/lib/api/respond";
import { resumeTask } from "@/lib/tasks/transitions";
import { toBuildResponse } from "@/lib/tasks/serialize";
import { assertRepositoryReachable } from "@/lib/tasks/update-repository";

// POST /api/v2/tasks/{user}/{task}/resume — start the workspace again, conversation intact
export const POST = withTask({}, async ({ db, task, caller }) => {
  await assertRepositoryReachable(db, task);
  const build = await resumeTask(db, task, caller.id);
  return json({ workspace_build: toBuildResponse(build) }, 202);
});
