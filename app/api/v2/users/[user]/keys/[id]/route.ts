import { withAuth } from "@/lib/api/handler";
import { json, noContent } from "@/lib/api/respond";
import { ApiError } from "@/lib/api/errors";
import { API_KEY_ID_PATTERN, toApiKeyResponse } from "@/lib/auth/keys";
import { revokeApiKey } from "@/lib/auth/sessions";
import { findApiKeyWithUser } from "@/lib/db/queries/users";
import { resolveUserParam } from "@/lib/tasks/find-task";

// GET /api/v2/users/{user}/keys/{id} — one session or API key
export const GET = withAuth({}, async ({ db, caller, params }) => {
  const user = await resolveUserParam(db, caller, params.user);
  const found = API_KEY_ID_PATTERN.test(params.id) ? await findApiKeyWithUser(db, params.id) : undefined;
  if (!found || found.key.userId !== user.id || found.key.expiresAt.getTime() < Date.now()) throw ApiError.notFound();
  return json(toApiKeyResponse(found.key, caller));
});

// DELETE /api/v2/users/{user}/keys/{id} — revoke it at once (yours; admins for anyone)
export const DELETE = withAuth({}, async ({ db, caller, params }) => {
  const user = await resolveUserParam(db, caller, params.user);
  if (!API_KEY_ID_PATTERN.test(params.id) || !(await revokeApiKey(db, params.id, user.id))) throw ApiError.notFound();
  return noContent();
});
