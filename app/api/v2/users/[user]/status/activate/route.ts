import { withAuth } from "@/lib/api/handler";
import { json } from "@/lib/api/respond";
import { activateUser } from "@/lib/auth/user-admin";
import { toUserResponse } from "@/lib/auth/users";

// PUT /api/v2/users/{user}/status/activate — reactivate a suspended user (owner/admin; admins reactivate members only)
export const PUT = withAuth({ roles: ["owner", "admin"] }, async ({ db, caller, params }) => json(toUserResponse(await activateUser(db, caller, params.user))));
