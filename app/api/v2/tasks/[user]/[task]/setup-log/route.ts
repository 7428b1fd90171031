import { withTask } from "@/lib/api/with-task";
import { json } from "@/lib/api/respond";
import { getTaskSetupLog } from "@/lib/tasks/setup-log";

// GET /api/v2/tasks/{user}/{task}/setup-log — the newest run of the template's setup script
export const GET = withTask({}, async ({ db, task }) => json(await getTaskSetupLog(db, task)));
