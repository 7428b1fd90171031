import { withAuth } from "@/lib/api/handler";
import { json } from "@/lib/api/respond";
import { listPresets } from "@/lib/db/queries/templates";
import { findTemplateVersionOrThrow } from "@/lib/templates/find";
import { toPresetResponse } from "@/lib/templates/serialize";

// GET /api/v2/templateversions/{id}/presets — Coder's capitalised preset keys
export const GET = withAuth({}, async ({ db, params }) => {
  const version = await findTemplateVersionOrThrow(db, params.id);
  return json((await listPresets(db, version.id)).map(toPresetResponse));
});
