import { withAuth } from "@/lib/api/handler";
import { json } from "@/lib/api/respond";
import { activateTemplateVersion, createTemplateVersion, templateVersions } from "@/lib/templates/manage";
import { toTemplateVersionDetailResponse } from "@/lib/templates/serialize";
import { activateTemplateVersionRequest, createTemplateVersionRequest, TEMPLATE_BODY_BYTES } from "@/lib/validation/templates";

// GET /api/v2/templates/{id}/versions — newest first, with configs and secret names (owners and admins)
export const GET = withAuth({ roles: ["owner", "admin"] }, async ({ db, params }) => {
  const { template, versions } = await templateVersions(db, params.id);
  return json(versions.map((v) => toTemplateVersionDetailResponse(v, template.activeVersionId)));
});

// POST /api/v2/templates/{id}/versions — a new version, active unless `activate: false` (owner only)
export const POST = withAuth({ roles: ["owner"], body: createTemplateVersionRequest, maxBodyBytes: TEMPLATE_BODY_BYTES }, async ({ db, params, body, caller }) => {
  const version = await createTemplateVersion(db, { templateId: params.id, caller, request: body });
  const { template } = await templateVersions(db, params.id);
  return json(toTemplateVersionDetailResponse(version, template.activeVersionId), 201);
});

// PATCH /api/v2/templates/{id}/versions `{id}` — make a version the active one (Coder's route and answer; owner only)
export const PATCH = withAuth({ roles: ["owner"], body: activateTemplateVersionRequest }, async ({ db, params, body }) => {
  await activateTemplateVersion(db, params.id, body.id);
  return json({ message: "Updated the active template version!" });
});
