import { withAuth } from "@/lib/api/handler";
import { json } from "@/lib/api/respond";
import { listTemplates } from "@/lib/db/queries/templates";
import { findOrganizationOrThrow } from "@/lib/templates/find";
import { toTemplateResponse } from "@/lib/templates/serialize";

// GET /api/v2/organizations/{org}/templates — {org} is an id, a name or `default`
export const GET = withAuth({}, async ({ db, params }) => {
  const org = await findOrganizationOrThrow(db, params.org);
  return json((await listTemplates(db, org.id)).map(toTemplateResponse));
});
