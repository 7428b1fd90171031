import { withAuth } from "@/lib/api/handler";
import { json } from "@/lib/api/respond";
import { ApiError } from "@/lib/api/errors";
import { parseOptionalJsonBody } from "@/lib/api/body";
import { createApiKey, toApiKeyResponse } from "@/lib/auth/keys";
import { listApiKeys } from "@/lib/db/queries/users";
import { resolveUserParam } from "@/lib/tasks/find-task";
import { createApiKeyRequest } from "@/lib/validation/users";

// GET /api/v2/users/{user}/keys — the user's sessions and API keys that still work (yours; admins for anyone)
export const GET = withAuth({}, async ({ db, caller, params }) => {
  const user = await resolveUserParam(db, caller, params.user);
  return json((await listApiKeys(db, user.id)).map((key) => toApiKeyResponse(key, caller)));
});

// POST /api/v2/users/{user}/keys — a long-lived API token, optionally `{token_name, lifetime_seconds}` (for yourself; owners for anyone)
export const POST = withAuth({}, async ({ db, caller, params, req }) => {
  const user = await resolveUserParam(db, caller, params.user);
  if (user.id !== caller.id && caller.role !== "owner") throw ApiError.forbidden("You can only create API keys for yourself.");
  const body = await parseOptionalJsonBody(req, createApiKeyRequest);
  return json({ key: await createApiKey(db, user.id, body) }, 201);
});
