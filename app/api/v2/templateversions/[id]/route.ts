import { withAuth } from "@/lib/api/handler";
import { json } from "@/lib/api/respond";
import { findTemplateVersionOrThrow } from "@/lib/templates/find";
import { toTemplateVersionResponse } from "@/lib/templates/serialize";

// GET /api/v2/templateversions/{id}
export const GET = withAuth({}, async ({ db, params }) => json(toTemplateVersionResponse(await findTemplateVersionOrThrow(db, params.id))));
