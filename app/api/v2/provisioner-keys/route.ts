import { withAuth } from "@/lib/api/handler";
import { json } from "@/lib/api/respond";
import { createProvisionerKey, listKeys, toProvisionerKeyResponse } from "@/lib/provisioners/keys";
import { createProvisionerKeyRequest } from "@/lib/validation/provisioners";

// GET /api/v2/provisioner-keys — the provisioner keys, never a key itself (owner only)
export const GET = withAuth({ roles: ["owner"] }, async ({ db }) => json((await listKeys(db)).map(toProvisionerKeyResponse)));

// POST /api/v2/provisioner-keys — a key for a remote provisioner daemon, answered once (owner only)
export const POST = withAuth({ roles: ["owner"], body: createProvisionerKeyRequest }, async ({ db, caller, body }) => json(await createProvisionerKey(db, caller.id, body), 201));
