import { withTask } from "@/lib/api/with-task";
import { noContent } from "@/lib/api/respond";
import { updatePrompt } from "@/lib/tasks/update-prompt";
import { updatePromptRequest } from "@/lib/validation/tasks";

// PATCH /api/v2/tasks/{user}/{task}/prompt — as /input, with `{prompt}`
export const PATCH = withTask({ body: updatePromptRequest }, async ({ db, task, body }) => {
  await updatePrompt(db, task, body.prompt);
  return noContent();
});
