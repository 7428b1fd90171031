import { withAuth } from "@/lib/api/handler";
import { json } from "@/lib/api/respond";
import { createTask } from "@/lib/tasks/create-task";
import { resolveUserParam } from "@/lib/tasks/find-task";
import { toTaskResponse } from "@/lib/tasks/serialize";
import { createTaskRequest } from "@/lib/validation/tasks";

// POST /api/v2/tasks/{user} — create a task (and its workspace and first build)
export const POST = withAuth({ body: createTaskRequest }, async ({ db, caller, params, body }) => {
  const owner = await resolveUserParam(db, caller, params.user);
  const row = await createTask(db, { ownerId: owner.id, initiatorId: caller.id, request: body });
  return json(toTaskResponse(row), 201);
});
