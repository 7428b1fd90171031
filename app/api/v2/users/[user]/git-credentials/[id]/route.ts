import { withAuth } from "@/lib/api/handler";
import { noContent } from "@/lib/api/respond";
import { removeGitCredential } from "@/lib/git-credentials/credentials";
import { resolveUserParam } from "@/lib/tasks/find-task";

// DELETE /api/v2/users/{user}/git-credentials/{id} — forget a token (yours; owner/admin for anyone's)
export const DELETE = withAuth({}, async ({ db, caller, params }) => {
  const user = await resolveUserParam(db, caller, params.user);
  await removeGitCredential(db, user.id, params.id);
  return noContent();
});
