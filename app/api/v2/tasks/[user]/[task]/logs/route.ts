import { withTask } from "@/lib/api/with-task";
import { jsonText } from "@/lib/api/respond";
import { taskLogsJson } from "@/lib/tasks/logs";

// GET /api/v2/tasks/{user}/{task}/logs — live from the agent, or the stored snapshot
export const GET = withTask({}, async ({ db, task }) => jsonText(await taskLogsJson(db, task)));
