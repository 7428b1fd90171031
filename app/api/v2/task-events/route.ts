import { withAuth } from "@/lib/api/handler";
import { streamTaskEvents } from "@/lib/tasks/task-events";

// GET /api/v2/task-events — SSE: `task` {id} whenever a task the caller may see changes
export const GET = withAuth({}, async ({ caller, req }) =>
  new Response(streamTaskEvents(caller, req.signal), {
    headers: { "content-type": "text/event-stream", "cache-control": "no-cache, no-transform", "x-accel-buffering": "no" },
  }),
);
