import { json } from "@/lib/api/respond";
import { env } from "@/lib/env";
import { VERSION } from "@/lib/version";

// GET /api/v2/buildinfo — the server's version, and whether agents run in a sandbox (the launcher decides at start)
export function GET() {
  const sandbox = env().TASKYARD_SANDBOX === "bubblewrap" ? "bubblewrap" : "none";
  return json({ version: VERSION, external_url: "https://github.com/taskyard/taskyard", dashboard_url: "/", sandbox });
}
