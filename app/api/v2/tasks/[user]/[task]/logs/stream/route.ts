import { withTask } from "@/lib/api/with-task";
import { streamTaskLogs } from "@/lib/tasks/log-stream";
import { callerEventStream } from "@/lib/tasks/stream-slots";

// GET /api/v2/tasks/{user}/{task}/logs/stream — SSE: the log, then each new entry and status change
export const GET = withTask({}, async ({ db, task, req, caller }) => callerEventStream(db, caller.id, req.signal, () => streamTaskLogs(db, task, req.signal)));
