import { withAuth } from "@/lib/api/handler";
import { json } from "@/lib/api/respond";
import { listOrganizations } from "@/lib/db/queries/users";
import { toOrganizationResponse } from "@/lib/organizations/serialize";

// GET /api/v2/organizations
export const GET = withAuth({}, async ({ db }) => json((await listOrganizations(db)).map(toOrganizationResponse)));
