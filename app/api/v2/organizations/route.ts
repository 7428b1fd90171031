import { withAuth } from "@/lib/api/handler";
import { json } from "@/lib/api/respond";
import { listOrganizations } from "@/lib/db/queries/users";

// GET /api/v2/organizations
export const GET = withAuth({}, async ({ db }) => {
  const orgs = await listOrganizations(db);
  return json(
    orgs.map((o) => ({ id: o.id, name: o.name, display_name: o.displayName, is_default: o.isDefault, created_at: o.createdAt.toISOString() })),
  );
});
