import { withProvisioner } from "@/lib/api/with-provisioner";
import { json } from "@/lib/api/respond";
import { runProvisionerdMethod, PROVISIONERD_MAX_BODY_BYTES } from "@/lib/provisioners/daemon-api";

// POST /api/v2/provisionerd/{method} — one step of a build, for a remote provisioner (lib/provisioners/daemon-api.ts)
export const POST = withProvisioner(async ({ req, db, identity, params, body }) => json(await runProvisionerdMethod(db, identity, params.method, body, req.signal)), PROVISIONERD_MAX_BODY_BYTES);
