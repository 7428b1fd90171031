import { withAuth } from "@/lib/api/handler";
import { noContent } from "@/lib/api/respond";
import { resolveUserParam } from "@/lib/tasks/find-task";
import { assertOwnWebhooks, sendTestWebhook } from "@/lib/webhooks/endpoints";

// POST /api/v2/users/{user}/webhooks/{id}/test — queue a signed `webhook.test` delivery
export const POST = withAuth({}, async ({ db, caller, params }) => {
  const user = await resolveUserParam(db, caller, params.user);
  assertOwnWebhooks(caller, user);
  await sendTestWebhook(db, user.id, params.id);
  return noContent(202);
});
