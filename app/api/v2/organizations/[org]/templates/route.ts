import { withAuth } from "@/lib/api/handler";
import { json } from "@/lib/api/respond";
import { listTemplates } from "@/lib/db/queries/templates";
import { createTemplate } from "@/lib/templates/manage";
import { findOrganizationOrThrow, includeArchived } from "@/lib/templates/find";
import { toTemplateResponse } from "@/lib/templates/serialize";
import { createTemplateRequest, TEMPLATE_BODY_BYTES } from "@/lib/validation/templates";

// GET /api/v2/organizations/{org}/templates — {org} is an id, a name or `default`; `include_archived=true` adds archived ones
export const GET = withAuth({}, async ({ db, params, req }) => {
  const org = await findOrganizationOrThrow(db, params.org);
  return json((await listTemplates(db, org.id, { includeArchived: includeArchived(req) })).map(toTemplateResponse));
});

// POST /api/v2/organizations/{org}/templates — a new template, its version 1 active (owner only)
export const POST = withAuth({ roles: ["owner"], body: createTemplateRequest, maxBodyBytes: TEMPLATE_BODY_BYTES }, async ({ db, params, body, caller }) => {
  const org = await findOrganizationOrThrow(db, params.org);
  return json(toTemplateResponse(await createTemplate(db, { organizationId: org.id, caller, request: body })), 201);
});
