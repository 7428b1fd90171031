import { withTask } from "@/lib/api/with-task";
import { noContent } from "@/lib/api/respond";
import { updatePrompt } from "@/lib/tasks/update-prompt";
import { updateInputRequest } from "@/lib/validation/tasks";

// PATCH /api/v2/tasks/{user}/{task}/input — replace the prompt while pending or paused
export const PATCH = withTask({ body: updateInputRequest }, async ({ db, task, body }) => {
  await updatePrompt(db, task, body.input);
  return noContent();
});
