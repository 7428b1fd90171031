import { withAuth } from "@/lib/api/handler";
import { json } from "@/lib/api/respond";
import { listTemplates } from "@/lib/db/queries/templates";
import { includeArchived } from "@/lib/templates/find";
import { toTemplateResponse } from "@/lib/templates/serialize";

// GET /api/v2/templates — every template (archived ones with `include_archived=true`)
export const GET = withAuth({}, async ({ db, req }) => json((await listTemplates(db, undefined, { includeArchived: includeArchived(req) })).map(toTemplateResponse)));
