import { withAuth } from "@/lib/api/handler";
import { json } from "@/lib/api/respond";
import { ApiError } from "@/lib/api/errors";
import { createUser, toUserResponse } from "@/lib/auth/users";
import { listUsers } from "@/lib/db/queries/users";
import { createUserRequest } from "@/lib/validation/users";

// GET /api/v2/users?q= — all users (owner/admin)
export const GET = withAuth({ roles: ["owner", "admin"] }, async ({ db, req }) => {
  const q = new URL(req.url).searchParams.get("q")?.trim() ?? "";
  if (q.includes("\u0000") || q.length > 256) throw ApiError.invalidField("q", "must be plain text up to 256 characters");
  const rows = await listUsers(db, q || undefined);
  return json({ users: rows.map((r) => toUserResponse(r.user, r.organizationIds)), count: rows.length });
});

// POST /api/v2/users — create a user (owner/admin; only an owner makes admins)
export const POST = withAuth({ roles: ["owner", "admin"], body: createUserRequest }, async ({ db, body, caller }) => {
  if (body.role === "admin" && caller.role !== "owner") throw ApiError.forbidden("Only an owner can create admins.");
  const user = await createUser(db, body);
  return json(toUserResponse(user), 201);
});
