import { z } from "zod";
import { withAuth } from "@/lib/api/handler";
import { ApiError } from "@/lib/api/errors";
import { jsonText } from "@/lib/api/respond";
import { listTasksJson } from "@/lib/tasks/find-task";

/** A page of the list unless the caller asks for another size; `count` still says how many match. */
const DEFAULT_TASK_PAGE = 100;

const page = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(DEFAULT_TASK_PAGE),
  offset: z.coerce.number().int().min(0).max(1_000_000).optional(),
});

// GET /api/v2/tasks?q=&limit=&offset= — the tasks the caller may read, newest first, 100 unless `limit` says otherwise
export const GET = withAuth({}, async ({ db, caller, req }) => {
  const search = new URL(req.url).searchParams;
  const paging = page.safeParse({ limit: search.get("limit") ?? undefined, offset: search.get("offset") ?? undefined });
  if (!paging.success) throw ApiError.fromZod(paging.error, "Invalid pagination.");
  return jsonText(await listTasksJson(db, caller, search.get("q"), paging.data));
});
