import { withAuth } from "@/lib/api/handler";
import { json } from "@/lib/api/respond";
import { resolveUserParam } from "@/lib/tasks/find-task";
import { assertOwnWebhooks, createWebhook, listWebhooks } from "@/lib/webhooks/endpoints";
import { createWebhookRequest } from "@/lib/validation/webhooks";

// GET /api/v2/users/{user}/webhooks — your webhook endpoints, never a secret
export const GET = withAuth({}, async ({ db, caller, params }) => {
  const user = await resolveUserParam(db, caller, params.user);
  assertOwnWebhooks(caller, user);
  return json(await listWebhooks(db, user.id));
});

// POST /api/v2/users/{user}/webhooks — register an endpoint; its secret is answered only here
export const POST = withAuth({ body: createWebhookRequest }, async ({ db, caller, params, body }) => {
  const user = await resolveUserParam(db, caller, params.user);
  assertOwnWebhooks(caller, user);
  return json(await createWebhook(db, caller, body), 201);
});
