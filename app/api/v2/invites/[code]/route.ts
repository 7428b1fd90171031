import { withPublic } from "@/lib/api/handler";
import { json } from "@/lib/api/respond";
import { findInvite } from "@/lib/auth/invites";

// GET /api/v2/invites/{code} — whom a live invite link is for (404 for a wrong, used or expired one)
export const GET = withPublic({}, async ({ db, params }) => {
  const { user, invite } = await findInvite(db, params.code);
  return json({ username: user.username, email: user.email, name: user.name, expires_at: invite.expiresAt.toISOString() });
});
