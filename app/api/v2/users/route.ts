import { withAuth } from "@/lib/api/handler";
import { json } from "@/lib/api/respond";
import { ApiError } from "@/lib/api/errors";
import { inviteUrl } from "@/lib/auth/invites";
import { createUser, toUserResponse } from "@/lib/auth/users";
import { listUsers } from "@/lib/db/queries/users";
import { parseUserListQuery } from "@/lib/validation/user-list-query";
import { createUserRequest } from "@/lib/validation/users";

// GET /api/v2/users?q=&role=&status= — all users (owner/admin)
export const GET = withAuth({ roles: ["owner", "admin"] }, async ({ db, req }) => {
  const rows = await listUsers(db, parseUserListQuery(new URL(req.url).searchParams));
  return json({ users: rows.map((r) => toUserResponse(r.user, r.organizationIds)), count: rows.length });
});

// POST /api/v2/users — create a user with a password, or `invite: true` for a one-time link (owner/admin; only an owner makes admins)
export const POST = withAuth({ roles: ["owner", "admin"], body: createUserRequest }, async ({ db, body, caller, req }) => {
  if (body.role === "admin" && caller.role !== "owner") throw ApiError.forbidden("Only an owner can create admins.");
  const { user, invite } = await createUser(db, body, caller.id);
  const link = invite ? { invite_url: inviteUrl(req, invite.code), invite_expires_at: invite.expiresAt.toISOString() } : {};
  return json({ ...toUserResponse(user), ...link }, 201);
});
