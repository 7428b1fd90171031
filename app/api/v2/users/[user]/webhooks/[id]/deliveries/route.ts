import { withAuth } from "@/lib/api/handler";
import { json } from "@/lib/api/respond";
import { resolveUserParam } from "@/lib/tasks/find-task";
import { assertOwnWebhooks, webhookDeliveryLog } from "@/lib/webhooks/endpoints";

// GET /api/v2/users/{user}/webhooks/{id}/deliveries — the delivery log, newest first
export const GET = withAuth({}, async ({ db, caller, params }) => {
  const user = await resolveUserParam(db, caller, params.user);
  assertOwnWebhooks(caller, user);
  return json(await webhookDeliveryLog(db, user.id, params.id));
});
