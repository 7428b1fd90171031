import { withTask } from "@/lib/api/with-task";
import { noContent } from "@/lib/api/respond";
import { sendTaskInput } from "@/lib/tasks/send-input";
import { sendTaskInputRequest } from "@/lib/validation/tasks";

// POST /api/v2/tasks/{user}/{task}/send — a follow-up message to the running agent
export const POST = withTask({ body: sendTaskInputRequest }, async ({ task, body }) => {
  await sendTaskInput(task, body.input);
  return noContent();
});
