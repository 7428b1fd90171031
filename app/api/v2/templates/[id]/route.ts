import { withAuth } from "@/lib/api/handler";
import { json } from "@/lib/api/respond";
import { findTemplateOrThrow } from "@/lib/templates/find";
import { updateTemplate } from "@/lib/templates/manage";
import { toTemplateResponse } from "@/lib/templates/serialize";
import { updateTemplateRequest } from "@/lib/validation/templates";

// GET /api/v2/templates/{id}
export const GET = withAuth({}, async ({ db, params }) => json(toTemplateResponse(await findTemplateOrThrow(db, { id: params.id }))));

// PATCH /api/v2/templates/{id} — display name, description, icon, archived (owner only)
export const PATCH = withAuth({ roles: ["owner"], body: updateTemplateRequest }, async ({ db, params, body }) => json(toTemplateResponse(await updateTemplate(db, params.id, body))));
