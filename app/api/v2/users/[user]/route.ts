import { withAuth } from "@/lib/api/handler";
import { json } from "@/lib/api/respond";
import { ApiError } from "@/lib/api/errors";
import { toUserResponse } from "@/lib/auth/users";
import { findUserByRef } from "@/lib/db/queries/users";
import { resolveUserParam } from "@/lib/tasks/find-task";

// GET /api/v2/users/{user} — `me`, an id or a username
export const GET = withAuth({}, async ({ db, caller, params }) => {
  const { id } = await resolveUserParam(db, caller, params.user);
  const user = await findUserByRef(db, id);
  if (!user) throw ApiError.notFound();
  return json(toUserResponse(user));
});
