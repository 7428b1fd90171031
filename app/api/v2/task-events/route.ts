import { withAuth } from "@/lib/api/handler";
import { streamTaskEvents } from "@/lib/tasks/task-events";
import { callerEventStream } from "@/lib/tasks/stream-slots";

// GET /api/v2/task-events — SSE: `task` {id} whenever a task the caller may see changes
export const GET = withAuth({}, async ({ caller, req, db }) => callerEventStream(db, caller.id, req.signal, () => streamTaskEvents(caller, req.signal)));
