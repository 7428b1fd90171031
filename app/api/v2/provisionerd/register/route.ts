import { withProvisionerKey } from "@/lib/api/with-provisioner";
import { json } from "@/lib/api/respond";
import { registerDaemon } from "@/lib/provisioners/daemon-identity";

// POST /api/v2/provisionerd/register — a remote provisioner says who it is: {host, tags, version} → {id, tags}
export const POST = withProvisionerKey(async ({ db, holder, body }) => json(await registerDaemon(db, holder, body)));
