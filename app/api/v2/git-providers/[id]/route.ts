import { withAuth } from "@/lib/api/handler";
import { ApiError } from "@/lib/api/errors";
import { json, noContent } from "@/lib/api/respond";
import { removeGitProvider, toGitProviderResponse, updateGitProvider } from "@/lib/git-credentials/providers";
import { isUuid } from "@/lib/validation/common";
import { updateGitProviderRequest } from "@/lib/validation/git-credentials";

// PATCH /api/v2/git-providers/{id} — its webhook secret, issue label and issue template (owner only)
export const PATCH = withAuth({ roles: ["owner"], body: updateGitProviderRequest }, async ({ db, params, body }) => json(toGitProviderResponse(await updateGitProvider(db, params.id, body))));

// DELETE /api/v2/git-providers/{id} — remove a forge and every user's credential for it (owner only)
export const DELETE = withAuth({ roles: ["owner"] }, async ({ db, params }) => {
  if (!isUuid(params.id)) throw ApiError.notFound();
  await removeGitProvider(db, params.id);
  return noContent();
});
