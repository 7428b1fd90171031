import { withTask } from "@/lib/api/with-task";
import { json } from "@/lib/api/respond";
import { getTaskChanges } from "@/lib/tasks/changes";

// GET /api/v2/tasks/{user}/{task}/changes — the task's repository changes against its base commit
export const GET = withTask({}, async ({ db, task }) => json(await getTaskChanges(db, task)));
