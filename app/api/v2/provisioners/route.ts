import { withAuth } from "@/lib/api/handler";
import { json } from "@/lib/api/respond";
import { listProvisioners } from "@/lib/provisioners/registry";

// GET /api/v2/provisioners — the registered provisioners with their hosts' running workspaces (owner and admins, as Coder shows daemons to admins)
export const GET = withAuth({ roles: ["owner", "admin"] }, async ({ db }) => json(await listProvisioners(db)));
