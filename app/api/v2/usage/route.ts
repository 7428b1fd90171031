import { withAuth } from "@/lib/api/handler";
import { ApiError } from "@/lib/api/errors";
import { json } from "@/lib/api/respond";
import { spendBy } from "@/lib/usage/spend";
import { usageQuery } from "@/lib/validation/usage";

// GET /api/v2/usage?group_by=user|template|model|day&from=&to= — model spend as the gateway metered it (everyone's for owners and admins, one's own for members)
export const GET = withAuth({}, async ({ db, caller, req }) => {
  const search = new URL(req.url).searchParams;
  const query = usageQuery.safeParse(Object.fromEntries(search));
  if (!query.success) throw ApiError.fromZod(query.error, "Invalid usage query.");
  return json({ groups: await spendBy(db, caller, query.data) });
});
