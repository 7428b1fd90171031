import { withAuth } from "@/lib/api/handler";
import { noContent } from "@/lib/api/respond";
import { removeProvisionerKey } from "@/lib/provisioners/keys";

// DELETE /api/v2/provisioner-keys/{id} — revoke a key at once; its daemons get no more jobs (owner only)
export const DELETE = withAuth({ roles: ["owner"] }, async ({ db, params }) => {
  await removeProvisionerKey(db, params.id);
  return noContent();
});
