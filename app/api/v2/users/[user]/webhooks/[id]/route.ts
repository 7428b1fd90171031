import { withAuth } from "@/lib/api/handler";
import { json, noContent } from "@/lib/api/respond";
import { resolveUserParam } from "@/lib/tasks/find-task";
import { assertOwnWebhooks, removeWebhook, updateWebhook } from "@/lib/webhooks/endpoints";
import { updateWebhookRequest } from "@/lib/validation/webhooks";

// PATCH /api/v2/users/{user}/webhooks/{id} — change url, events, format or enabled
export const PATCH = withAuth({ body: updateWebhookRequest }, async ({ db, caller, params, body }) => {
  const user = await resolveUserParam(db, caller, params.user);
  assertOwnWebhooks(caller, user);
  return json(await updateWebhook(db, user.id, params.id, body));
});

// DELETE /api/v2/users/{user}/webhooks/{id} — remove an endpoint and its delivery log
export const DELETE = withAuth({}, async ({ db, caller, params }) => {
  const user = await resolveUserParam(db, caller, params.user);
  assertOwnWebhooks(caller, user);
  await removeWebhook(db, user.id, params.id);
  return noContent();
});
