import { withAuth } from "@/lib/api/handler";
import { json } from "@/lib/api/respond";
import { listTemplates } from "@/lib/db/queries/templates";
import { toTemplateResponse } from "@/lib/templates/serialize";

// GET /api/v2/templates — every template
export const GET = withAuth({}, async ({ db }) => json((await listTemplates(db)).map(toTemplateResponse)));
