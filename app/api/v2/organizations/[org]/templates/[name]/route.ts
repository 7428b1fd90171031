import { withAuth } from "@/lib/api/handler";
import { json } from "@/lib/api/respond";
import { findOrganizationOrThrow, findTemplateOrThrow } from "@/lib/templates/find";
import { toTemplateResponse } from "@/lib/templates/serialize";

// GET /api/v2/organizations/{org}/templates/{name}
export const GET = withAuth({}, async ({ db, params }) => {
  const org = await findOrganizationOrThrow(db, params.org);
  return json(toTemplateResponse(await findTemplateOrThrow(db, { organizationId: org.id, name: params.name })));
});
