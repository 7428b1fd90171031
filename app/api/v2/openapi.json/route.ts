import { openApiDocument } from "@/lib/api/openapi";
import { json } from "@/lib/api/respond";

const document = openApiDocument();

// GET /api/v2/openapi.json — the API described from the same zod schemas the handlers use
export function GET() {
  return json(document);
}
