import { withTask } from "@/lib/api/with-task";
import { streamTaskLogs } from "@/lib/tasks/log-stream";
import { acquireStreamSlot, onStreamEnd } from "@/lib/tasks/stream-slots";

// GET /api/v2/tasks/{user}/{task}/logs/stream — SSE: the log, then each new entry and status change
export const GET = withTask({}, async ({ db, task, req, caller }) => {
  const release = acquireStreamSlot(caller.id);
  return new Response(onStreamEnd(streamTaskLogs(db, task, req.signal), release, req.signal), {
    headers: { "content-type": "text/event-stream", "cache-control": "no-cache, no-transform", "x-accel-buffering": "no" },
  });
});
