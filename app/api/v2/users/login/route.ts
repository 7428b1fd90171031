import { withPublic } from "@/lib/api/handler";
import { clientAddress } from "@/lib/api/client-address";
import { json } from "@/lib/api/respond";
import { sessionCookie } from "@/lib/auth/cookie";
import { login } from "@/lib/auth/sessions";
import { loginRequest } from "@/lib/validation/users";

// POST /api/v2/users/login — exchange email + password for a session token (and cookie)
export const POST = withPublic({ body: loginRequest }, async ({ db, body, req }) => {
  const token = await login(db, body.email, body.password, clientAddress(req));
  return json({ session_token: token }, 201, { "set-cookie": sessionCookie(token, req) });
});
