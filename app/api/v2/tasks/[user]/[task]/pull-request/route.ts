import { withTask } from "@/lib/api/with-task";
import { json } from "@/lib/api/respond";
import { openTaskPullRequest, taskPageUrl } from "@/lib/tasks/pull-request";
import { createPullRequestRequest } from "@/lib/validation/git-credentials";

// POST /api/v2/tasks/{user}/{task}/pull-request — push, then open a PR/MR for the task's branch (or answer the one already open)
export const POST = withTask({ body: createPullRequestRequest }, async ({ db, task, body, req }) => {
  const { pullRequest, created } = await openTaskPullRequest(db, task, body, taskPageUrl(req, task));
  return json(pullRequest, created ? 201 : 200);
});
