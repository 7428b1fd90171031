import { withTask } from "@/lib/api/with-task";
import { json } from "@/lib/api/respond";
import { listTaskInputs, queueTaskInput } from "@/lib/tasks/input-queue";
import { queueTaskInputRequest } from "@/lib/validation/tasks";

// GET /api/v2/tasks/{user}/{task}/inputs — the task's queued follow-ups, oldest first
export const GET = withTask({}, async ({ db, task }) => json(await listTaskInputs(db, task)));

// POST /api/v2/tasks/{user}/{task}/inputs — queue a follow-up; delivered whenever the agent waits for input
export const POST = withTask({ body: queueTaskInputRequest }, async ({ db, task, body }) => json(await queueTaskInput(db, task, body.input), 202));
