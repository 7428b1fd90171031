import { withTask } from "@/lib/api/with-task";
import { json } from "@/lib/api/respond";
import { getToolCalls } from "@/lib/tasks/tool-calls";

// GET /api/v2/tasks/{user}/{task}/logs/{id}/tool-calls — the tool calls behind a log entry, with input and output
export const GET = withTask({}, async ({ db, task, params }) => json(await getToolCalls(db, task, params.id)));
