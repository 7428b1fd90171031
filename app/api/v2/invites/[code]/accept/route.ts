import { withPublic } from "@/lib/api/handler";
import { json } from "@/lib/api/respond";
import { sessionCookie } from "@/lib/auth/cookie";
import { acceptInvite } from "@/lib/auth/invites";
import { acceptInviteRequest } from "@/lib/validation/users";

// POST /api/v2/invites/{code}/accept — the invited user chooses a password; the link is used up and they are signed in
export const POST = withPublic({ body: acceptInviteRequest }, async ({ db, body, params, req }) => {
  const { token } = await acceptInvite(db, params.code, body.password);
  return json({ session_token: token }, 201, { "set-cookie": sessionCookie(token, req) });
});
