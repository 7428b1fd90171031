import { withAuth } from "@/lib/api/handler";
import { json } from "@/lib/api/respond";
import { resolveUserParam } from "@/lib/tasks/find-task";
import { assertOwnWebhooks, rotateWebhookSecret } from "@/lib/webhooks/endpoints";

// POST /api/v2/users/{user}/webhooks/{id}/secret — a new signing secret, answered once
export const POST = withAuth({}, async ({ db, caller, params }) => {
  const user = await resolveUserParam(db, caller, params.user);
  assertOwnWebhooks(caller, user);
  return json(await rotateWebhookSecret(db, user.id, params.id));
});
