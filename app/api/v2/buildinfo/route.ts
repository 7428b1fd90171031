import { json } from "@/lib/api/respond";
import { VERSION } from "@/lib/version";

// GET /api/v2/buildinfo — the server's version
export function GET() {
  return json({ version: VERSION, external_url: "https://github.com/taskyard/taskyard", dashboard_url: "/" });
}
