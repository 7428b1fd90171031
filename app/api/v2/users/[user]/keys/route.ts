import { withAuth } from "@/lib/api/handler";
import { json } from "@/lib/api/respond";
import { ApiError } from "@/lib/api/errors";
import { toApiKeyResponse } from "@/lib/auth/keys";
import { issueToken } from "@/lib/auth/sessions";
import { listApiKeys } from "@/lib/db/queries/users";
import { resolveUserParam } from "@/lib/tasks/find-task";

// GET /api/v2/users/{user}/keys — the user's sessions and API keys that still work (yours; admins for anyone)
export const GET = withAuth({}, async ({ db, caller, params }) => {
  const user = await resolveUserParam(db, caller, params.user);
  return json((await listApiKeys(db, user.id)).map((key) => toApiKeyResponse(key, caller)));
});

// POST /api/v2/users/{user}/keys — a long-lived API token (for yourself; owners for anyone)
export const POST = withAuth({}, async ({ db, caller, params }) => {
  const user = await resolveUserParam(db, caller, params.user);
  if (user.id !== caller.id && caller.role !== "owner") throw ApiError.forbidden("You can only create API keys for yourself.");
  return json({ key: await issueToken(db, user.id, "token") }, 201);
});
