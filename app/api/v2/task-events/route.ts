import { withAuth } from "@/lib/api/handler";
import { streamTaskEvents } from "@/lib/tasks/task-events";
import { acquireStreamSlot, onStreamEnd } from "@/lib/tasks/stream-slots";

// GET /api/v2/task-events — SSE: `task` {id} whenever a task the caller may see changes
export const GET = withAuth({}, async ({ caller, req }) => {
  const release = acquireStreamSlot(caller.id);
  return new Response(onStreamEnd(streamTaskEvents(caller, req.signal), release, req.signal), {
    headers: { "content-type": "text/event-stream", "cache-control": "no-cache, no-transform", "x-accel-buffering": "no" },
  });
});
