import { withPublic } from "@/lib/api/handler";
import { json } from "@/lib/api/respond";
import { ApiError } from "@/lib/api/errors";
import { assertSetupCode } from "@/lib/auth/setup-code";
import { createFirstUser } from "@/lib/auth/users";
import { countUsers } from "@/lib/db/queries/users";
import { createFirstUserRequest } from "@/lib/validation/users";

// GET /api/v2/users/first — 200 once a user exists, 404 before
export const GET = withPublic({}, async ({ db }) => {
  if ((await countUsers(db)) === 0) throw new ApiError(404, "The initial user has not been created!");
  return json({ message: "The initial user has already been created!" });
});

// POST /api/v2/users/first — create the first (owner) user (with the setup code unless asked on this machine by a loopback name)
export const POST = withPublic({ body: createFirstUserRequest }, async ({ db, body, req }) => {
  const { setup_code, ...input } = body;
  assertSetupCode(setup_code, req);
  const { user, organizationId } = await createFirstUser(db, input);
  return json({ user_id: user.id, organization_id: organizationId }, 201);
});
