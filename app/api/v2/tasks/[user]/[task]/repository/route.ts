import { withTask } from "@/lib/api/with-task";
import { json } from "@/lib/api/respond";
import { toTaskResponse } from "@/lib/tasks/serialize";
import { updateRepository } from "@/lib/tasks/update-repository";
import { updateRepositoryRequest } from "@/lib/validation/tasks";

// PATCH /api/v2/tasks/{user}/{task}/repository — correct a failed task's repository before retrying it
export const PATCH = withTask({ body: updateRepositoryRequest }, async ({ db, task, body }) => {
  return json(toTaskResponse(await updateRepository(db, task, body)));
});
