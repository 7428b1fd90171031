import { withAuth } from "@/lib/api/handler";
import { ApiError } from "@/lib/api/errors";
import { json } from "@/lib/api/respond";
import { listUserGitCredentials, saveGitCredential } from "@/lib/git-credentials/credentials";
import { resolveUserParam } from "@/lib/tasks/find-task";
import { createGitCredentialRequest } from "@/lib/validation/git-credentials";

// GET /api/v2/users/{user}/git-credentials — the user's git credentials, never a token (yours; owner/admin for anyone's)
export const GET = withAuth({}, async ({ db, caller, params }) => {
  const user = await resolveUserParam(db, caller, params.user);
  return json(await listUserGitCredentials(db, user.id));
});

// POST /api/v2/users/{user}/git-credentials — store a token for a configured provider's host (only for yourself: it acts as you on the forge)
export const POST = withAuth({ body: createGitCredentialRequest }, async ({ db, caller, params, body }) => {
  const user = await resolveUserParam(db, caller, params.user);
  if (user.id !== caller.id) throw ApiError.forbidden("You can only store git credentials for yourself.");
  return json(await saveGitCredential(db, user.id, body), 201);
});
