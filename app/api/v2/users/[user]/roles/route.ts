import { withAuth } from "@/lib/api/handler";
import { json } from "@/lib/api/respond";
import { changeUserRole } from "@/lib/auth/user-admin";
import { toUserResponse } from "@/lib/auth/users";
import { updateUserRolesRequest } from "@/lib/validation/users";

// PUT /api/v2/users/{user}/roles — give a user a role (owner only; never oneself, never the last owner away)
export const PUT = withAuth({ roles: ["owner", "admin"], body: updateUserRolesRequest }, async ({ db, body, caller, params }) => {
  const user = await changeUserRole(db, caller, params.user, body.roles[0] ?? "member");
  return json(toUserResponse(user));
});
