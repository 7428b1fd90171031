import { withTask } from "@/lib/api/with-task";
import { json } from "@/lib/api/respond";
import { getTaskLogs } from "@/lib/tasks/logs";

// GET /api/v2/tasks/{user}/{task}/logs — live from the agent, or the stored snapshot
export const GET = withTask({}, async ({ db, task }) => json(await getTaskLogs(db, task)));
