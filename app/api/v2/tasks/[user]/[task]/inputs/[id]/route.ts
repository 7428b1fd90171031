import { withTask } from "@/lib/api/with-task";
import { noContent } from "@/lib/api/respond";
import { ApiError } from "@/lib/api/errors";
import { removeTaskInput } from "@/lib/tasks/input-queue";
import { isUuid } from "@/lib/validation/common";

// DELETE /api/v2/tasks/{user}/{task}/inputs/{id} — remove a follow-up before it is delivered
export const DELETE = withTask({}, async ({ db, task, params }) => {
  if (!isUuid(params.id)) throw ApiError.notFound();
  await removeTaskInput(db, task, params.id);
  return noContent();
});
