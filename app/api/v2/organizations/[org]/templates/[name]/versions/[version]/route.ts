import { withAuth } from "@/lib/api/handler";
import { json } from "@/lib/api/respond";
import { findOrganizationOrThrow, findTemplateOrThrow, findTemplateVersionByNameOrThrow } from "@/lib/templates/find";
import { toTemplateVersionResponse } from "@/lib/templates/serialize";

// GET /api/v2/organizations/{org}/templates/{name}/versions/{version} — a version by name (`taskyard task create --template-version`)
export const GET = withAuth({}, async ({ db, params }) => {
  const org = await findOrganizationOrThrow(db, params.org);
  const template = await findTemplateOrThrow(db, { organizationId: org.id, name: params.name });
  return json(toTemplateVersionResponse(await findTemplateVersionByNameOrThrow(db, template.id, params.version)));
});
