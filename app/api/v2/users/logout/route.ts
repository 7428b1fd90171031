import { withAuth } from "@/lib/api/handler";
import { json } from "@/lib/api/respond";
import { clearedSessionCookie } from "@/lib/auth/cookie";
import { revokeApiKey } from "@/lib/auth/sessions";

// POST /api/v2/users/logout — revoke the token used for this request
export const POST = withAuth({}, async ({ db, caller }) => {
  await revokeApiKey(db, caller.apiKeyId);
  return json({ message: "Logged out." }, 200, { "set-cookie": clearedSessionCookie() });
});
