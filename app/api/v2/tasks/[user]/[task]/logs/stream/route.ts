import { withTask } from "@/lib/api/with-task";
import { streamTaskLogs } from "@/lib/tasks/log-stream";

// GET /api/v2/tasks/{user}/{task}/logs/stream — SSE: the log, then each new entry and status change
export const GET = withTask({}, async ({ db, task, req }) =>
  new Response(streamTaskLogs(db, task, req.signal), {
    headers: { "content-type": "text/event-stream", "cache-control": "no-cache, no-transform", "x-accel-buffering": "no" },
  }),
);
