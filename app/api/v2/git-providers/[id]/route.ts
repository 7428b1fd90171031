import { withAuth } from "@/lib/api/handler";
import { ApiError } from "@/lib/api/errors";
import { noContent } from "@/lib/api/respond";
import { removeGitProvider } from "@/lib/git-credentials/providers";
import { isUuid } from "@/lib/validation/common";

// DELETE /api/v2/git-providers/{id} — remove a forge and every user's credential for it (owner only)
export const DELETE = withAuth({ roles: ["owner"] }, async ({ db, params }) => {
  if (!isUuid(params.id)) throw ApiError.notFound();
  await removeGitProvider(db, params.id);
  return noContent();
});
