import { withAuth } from "@/lib/api/handler";
import { json } from "@/lib/api/respond";
import { getDefaultOrganization } from "@/lib/db/queries/users";
import { createTask } from "@/lib/tasks/create-task";
import { resolveUserParam } from "@/lib/tasks/find-task";
import { toTaskResponse } from "@/lib/tasks/serialize";
import { createTaskRequest } from "@/lib/validation/tasks";

// POST /api/v2/tasks/{user} — create a task (and its workspace and first build)
export const POST = withAuth({ body: createTaskRequest }, async ({ db, caller, params, body }) => {
  const owner = await resolveUserParam(db, caller, params.user);
  const org = await getDefaultOrganization(db);
  const row = await createTask(db, { ownerId: owner.id, organizationId: org.id, initiatorId: caller.id, request: body });
  return json(toTaskResponse(row), 201);
});
