import { withAuth } from "@/lib/api/handler";
import { json } from "@/lib/api/respond";
import { suspendUser } from "@/lib/auth/user-admin";
import { toUserResponse } from "@/lib/auth/users";

// PUT /api/v2/users/{user}/status/suspend — the user's sessions and keys stop at once (owner/admin; admins suspend members only)
export const PUT = withAuth({ roles: ["owner", "admin"] }, async ({ db, caller, params }) => json(toUserResponse(await suspendUser(db, caller, params.user))));
