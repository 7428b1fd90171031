import { withAuth } from "@/lib/api/handler";
import { json } from "@/lib/api/respond";
import { findTemplateOrThrow } from "@/lib/templates/find";
import { toTemplateResponse } from "@/lib/templates/serialize";

// GET /api/v2/templates/{id}
export const GET = withAuth({}, async ({ db, params }) => json(toTemplateResponse(await findTemplateOrThrow(db, { id: params.id }))));
